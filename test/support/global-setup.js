// Says which real services this run uses, and fails when CI asked for them and they are not there.
const net = require('node:net');

function reachable(url, defaultPort) {
  return new Promise((resolve) => {
    const u = new URL(url);
    const socket = net.connect({ host: u.hostname, port: Number(u.port || defaultPort) });
    socket.setTimeout(3000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

module.exports = async function globalSetup() {
  const required = process.env.HUB_REQUIRE_REAL_SERVICES === '1';
  const db = process.env.DATABASE_URL;
  const amqp = process.env.AMQP_URL;
  const system = process.env.HUB_SYSTEM_TESTS === '1';
  if (required && (!db || !amqp || !system)) throw new Error('HUB_REQUIRE_REAL_SERVICES=1 needs DATABASE_URL, AMQP_URL and HUB_SYSTEM_TESTS=1');
  if (db && !(await reachable(db, 5432))) throw new Error('DATABASE_URL is set but PostgreSQL does not answer');
  if (amqp && !(await reachable(amqp, 5672))) throw new Error('AMQP_URL is set but RabbitMQ does not answer');
  process.stdout.write(`\n[tests] database: ${db ? 'PostgreSQL (DATABASE_URL)' : 'embedded PGlite'}; RabbitMQ suites: ${amqp ? 'on' : 'off (AMQP_URL unset)'}; `
    + `system-tool suites (sshd, zeep): ${system ? 'on' : 'off (HUB_SYSTEM_TESTS unset)'}\n`);
};
