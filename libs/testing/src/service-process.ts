import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './infrastructure';
import { waitFor } from './wait';

export interface RunningService {
  readonly name: string;
  readonly url: string;
  readonly process: ChildProcess;
  /** SIGTERM; resolves once the service has drained and exited, with how it exited. */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts a built service (services/<name>/dist/main.js) as a real process; its log goes to .umbrella/logs/tests. */
export function spawnService(name: string, env: Record<string, string>, logName = name): ChildProcess {
  const logDir = join(REPO_ROOT, '.umbrella', 'logs', 'tests');
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${logName}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'services', name, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

export async function startService(name: string, port: number, env: Record<string, string>, logName = name): Promise<RunningService> {
  const child = spawnService(name, { ...env, PORT: String(port) }, logName);
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see .umbrella/logs/tests/${logName}.log`);
      const res = await fetch(`${url}/health/ready`);
      return res.status === 200;
    },
    { timeoutMs: 60000, intervalMs: 250, what: `${name} to be ready` },
  );
  return {
    name,
    url,
    process: child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
