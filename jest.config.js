/** Test runner: ts-jest transpiles only (the typecheck runs separately in `npm test`). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/data/'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  testTimeout: 30000,
  // Suites share one PostgreSQL and loopback ports: run them one file at a time.
  maxWorkers: 1,
};
