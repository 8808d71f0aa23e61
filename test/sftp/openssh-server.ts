/**
 * OpenSSH's own sshd with its internal-sftp, on a loopback port, for tests: a throw-away host key
 * and user key made with ssh-keygen in a temporary folder, the current user let in with that key.
 * CI installs `openssh-server`; without it the suite fails with a message saying so.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SSHD_PATH = process.env.SSHD_PATH ?? '/usr/sbin/sshd';
const SSH_KEYGEN = 'ssh-keygen';
/** sshd started as root insists on its privilege separation directory; packages create it at service start only. */
const PRIVSEP_DIR = '/run/sshd';

export interface OpenSshServer {
  host: string;
  port: number;
  username: string;
  /** Private key the current user logs in with (ed25519, OpenSSH format). */
  userKeyPath: string;
  /** `SHA256:…` of the host key, as ssh-keygen prints it. */
  hostKeyFingerprint: string;
  hostPublicKey: string;
  /** Temporary folder holding keys, config and whatever the tests write. */
  dir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function keygen(path: string, comment: string): Promise<void> {
  await run(SSH_KEYGEN, ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

async function fingerprintOf(publicKeyPath: string): Promise<string> {
  const { stdout } = await run(SSH_KEYGEN, ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const match = /(SHA256:[A-Za-z0-9+/]+)/.exec(stdout);
  if (!match) throw new Error('ssh-keygen printed no SHA256 fingerprint');
  return match[1];
}

function waitForListening(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`sshd did not listen on port ${port} within ${timeoutMs} ms: ${output.slice(-2000)}`)), timeoutMs);
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onData = (data: Buffer): void => {
      output += data.toString('utf8');
      if (output.includes(`Server listening on 127.0.0.1 port ${port}`)) finish();
    };
    const onExit = (code: number | null): void => finish(new Error(`sshd exited with ${code}: ${output.slice(-2000)}`));
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

export async function startOpenSshServer(): Promise<OpenSshServer> {
  if (!existsSync(SSHD_PATH)) {
    throw new Error(`OpenSSH's sshd is not installed at ${SSHD_PATH}: install the openssh-server package (CI does), or set SSHD_PATH`);
  }
  if (process.getuid?.() === 0 && !existsSync(PRIVSEP_DIR)) await mkdir(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'openssh-test-'));
  await chmod(dir, 0o755);
  await Promise.all([keygen(join(dir, 'ssh_host_ed25519_key'), 'test-host'), keygen(join(dir, 'user_key'), 'test-user')]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'user_key.pub')), { mode: 0o600 });
  const port = await freePort();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'X11Forwarding no',
    'AllowTcpForwarding no',
    'Subsystem sftp internal-sftp',
    'LogLevel INFO',
    '',
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  await writeFile(configPath, config, { mode: 0o600 });
  // -D: stay in the foreground (we own the process); -e: log to stderr, where we wait for "listening".
  const child = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    await waitForListening(child, port, 20_000);
  } catch (error) {
    child.kill('SIGTERM');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  // Keep draining stderr so sshd never blocks on a full pipe.
  child.stderr?.resume();
  const hostKeyFingerprint = await fingerprintOf(join(dir, 'ssh_host_ed25519_key.pub'));
  const hostPublicKey = (await readFile(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8')).trim();
  return {
    host: '127.0.0.1',
    port,
    username: userInfo().username,
    userKeyPath: join(dir, 'user_key'),
    hostKeyFingerprint,
    hostPublicKey,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
