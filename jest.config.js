/**
 * Test runner. ts-jest transpiles only (the typecheck runs separately in `npm test`).
 * Suites that need RabbitMQ (`*.amqp.test.ts`) run when AMQP_URL is set; suites that need tools from Debian packages
 * (`*.system.test.ts`: OpenSSH's sshd, Python's zeep) run when HUB_SYSTEM_TESTS=1. Every suite runs on PostgreSQL
 * when DATABASE_URL is set and on embedded PGlite otherwise. CI sets all of them and HUB_REQUIRE_REAL_SERVICES=1,
 * which makes a missing service or tool fail the run instead of leaving suites out.
 */
const ignore = ['/node_modules/', '/dist/', '/data/'];
if (!process.env.AMQP_URL) ignore.push('\\.amqp\\.test\\.ts$');
if (process.env.HUB_SYSTEM_TESTS !== '1') ignore.push('\\.system\\.test\\.ts$');

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
