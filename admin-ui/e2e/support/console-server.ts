import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const WORKSPACE = path.resolve(__dirname, '..', '..', '..');
const SERVER_MAIN = path.join(WORKSPACE, 'server/dist/main.js');
const CONSOLE_INDEX = path.join(WORKSPACE, 'admin-ui/dist/browser/index.html');

export interface ConsoleServer {
  baseUrl: string;
  adminPassword: string;
  output: () => string;
  stop: () => Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The built server, as an operator starts it: its own data directory (SQLite), a first admin password, a
 * free port, and the built console beside it. Fails with the command to run when either build is missing.
 */
export async function startConsoleServer(): Promise<ConsoleServer> {
  for (const [file, build] of [
    [SERVER_MAIN, 'npm run build -w server'],
    [CONSOLE_INDEX, 'npm run build -w admin-ui'],
  ]) {
    if (!fs.existsSync(file))
      throw new Error(`${file} is missing: run \`${build}\` first (npm run e2e -w admin-ui does both)`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-console-e2e-'));
  const port = await freePort();
  const adminPassword = 'e2e-admin-password-1';
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [SERVER_MAIN], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      DATA_DIR: dataDir,
      ADMIN_PASSWORD: adminPassword,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      // The e2e seeds and polls through the API far faster than a person: keep the limiter out of the way.
      API_RATE_LIMIT: '100000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 30000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not become healthy within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    baseUrl,
    adminPassword,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
