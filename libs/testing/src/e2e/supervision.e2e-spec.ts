import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recreateTestDatabase, REPO_ROOT, testAuthEnv, waitFor } from '../index';

/**
 * The native path's supervision (npm run up / down), through the same deploy/lib.sh functions those
 * scripts call, on a real service: a process killed with SIGKILL comes back ready, with the restart
 * logged; stopping it stops it for good; a second start is refused; a configuration error is not retried.
 */
const PORT = 19301;
const NAME = 'agency-directory';
const home = mkdtempSync(join(tmpdir(), 'umbrella-supervision-'));
const runDir = join(home, 'run');
const serviceLog = join(home, 'logs', `${NAME}.log`);
const supervisorLog = join(home, 'logs', 'supervisor.log');
const main = join(REPO_ROOT, 'services', NAME, 'dist', 'main.js');

/** Runs bash with deploy/lib.sh sourced, without blocking the event loop; resolves to its exit code. */
function lib(script: string, env: Record<string, string> = {}): Promise<number | null> {
  const child = spawn('bash', ['-c', `source "${REPO_ROOT}/deploy/lib.sh" && ${script}`], {
    // this process's Node first, so lib.sh has nothing to install
    env: { ...process.env, UMBRELLA_HOME: home, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve(code));
  });
}

const pidIn = (file: string): number | undefined => (existsSync(join(runDir, file)) ? Number(readFileSync(join(runDir, file), 'utf8').trim()) : undefined);
const alive = (pid: number | undefined): boolean => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const ready = async (): Promise<boolean> => (await fetch(`http://127.0.0.1:${PORT}/health/ready`)).status === 200;
const text = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');

describe('supervision on the native path (npm run up / npm run down)', () => {
  let serviceEnv: Record<string, string>;

  beforeAll(async () => {
    serviceEnv = {
      PORT: String(PORT),
      DATABASE_URL: await recreateTestDatabase('umbrella_agency_directory_supervision_test'),
      KAFKA_BROKERS: process.env.KAFKA_BROKERS as string,
      INSTANCE_ID: `${NAME}-supervision`,
      ...testAuthEnv(),
    };
  });

  afterAll(async () => {
    await lib(`stop_supervised ${NAME}`);
    rmSync(home, { recursive: true, force: true });
  });

  it('restarts a service killed with SIGKILL, logs the restart, refuses a second supervisor, and stops it for good', async () => {
    expect(await lib(`start_supervised ${NAME} "${process.execPath}" "${main}"`, serviceEnv)).toBe(0);
    await waitFor(ready, { what: `${NAME} to be ready`, timeoutMs: 60000, intervalMs: 250 });
    const supervisor = pidIn(`${NAME}.supervisor.pid`);
    const first = pidIn(`${NAME}.pid`);
    expect(alive(supervisor) && alive(first)).toBe(true);

    process.kill(first as number, 'SIGKILL');
    const second = await waitFor(
      async () => {
        const pid = pidIn(`${NAME}.pid`);
        return pid !== undefined && pid !== first && (await ready()) ? pid : undefined;
      },
      { what: `${NAME} to be restarted and ready again`, timeoutMs: 60000, intervalMs: 250 },
    );
    expect(alive(first)).toBe(false);
    const restartLine = /\[supervisor\] \S+ agency-directory: exited unexpectedly \(killed by SIGKILL\) after \d+ s; restart 1 in 1 s/;
    expect(text(serviceLog)).toMatch(restartLine);
    expect(text(supervisorLog)).toMatch(restartLine);

    // npm run up again: the running supervisor is kept, no second one starts.
    expect(await lib(`start_supervised ${NAME} "${process.execPath}" "${main}"`, serviceEnv)).toBe(0);
    await waitFor(async () => /agency-directory is already supervised/.test(text(supervisorLog)), { what: 'the second supervisor to give way' });
    expect(pidIn(`${NAME}.supervisor.pid`)).toBe(supervisor);
    expect(pidIn(`${NAME}.pid`)).toBe(second);

    // npm run down: the supervisor goes first, the service drains and is not restarted.
    expect(await lib(`stop_supervised ${NAME}`)).toBe(0);
    expect(alive(supervisor)).toBe(false);
    expect(alive(second)).toBe(false);
    expect(pidIn(`${NAME}.pid`)).toBeUndefined();
    expect(pidIn(`${NAME}.supervisor.pid`)).toBeUndefined();
    expect(text(serviceLog)).toMatch(/agency-directory: stopped \((exit code 0|killed by SIGTERM)\)/);
    await expect(fetch(`http://127.0.0.1:${PORT}/health/live`)).rejects.toThrow();
  }, 150000);

  it('does not retry a configuration error: a restart cannot fix it', async () => {
    expect(await lib(`start_supervised ${NAME} "${process.execPath}" "${main}"`, { ...serviceEnv, PORT: 'not-a-port' })).toBe(0);
    await waitFor(async () => !existsSync(join(runDir, `${NAME}.supervisor.pid`)), { what: 'the supervisor to give up', timeoutMs: 30000 });
    expect(text(serviceLog)).toMatch(/PORT must be an integer/);
    expect(text(serviceLog)).toMatch(/agency-directory: exited with a configuration error \(exit code 78\) after \d+ s; not restarting/);
  });
});
