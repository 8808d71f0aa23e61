/**
 * Test runner. ts-jest transpiles only (the typecheck runs separately in `npm test`).
 * Suites that need RabbitMQ (`*.amqp.test.ts`) run when AMQP_URL is set; every suite runs on PostgreSQL when
 * DATABASE_URL is set and on embedded PGlite otherwise. CI sets both and HUB_REQUIRE_REAL_SERVICES=1, which makes
 * an unreachable service fail the run instead of leaving suites out.
 */
const ignore = ['/node_modules/', '/dist/', '/data/'];
if (!process.env.AMQP_URL) ignore.push('\\.amqp\\.test\\.ts$');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ignore,
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  globalSetup: '<rootDir>/test/support/global-setup.js',
  testTimeout: 30000,
  // Suites share one PostgreSQL and RabbitMQ and open loopback ports: one file at a time.
  maxWorkers: 1,
};
