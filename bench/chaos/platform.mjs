// The chaos run's own platform, and the faults it injects: the four services as supervised child
// processes (restarted after a kill -9, as systemd or Kubernetes would; an exit nobody asked for
// is recorded as a crash and restarted too), the broker killed and restarted through
// deploy/kafka.sh, and waves of pg_terminate_backend on the services' connections.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { serviceEnv, stopChild } from '../lib/platform.mjs';

export const SERVICE_PORTS = { referral: 24001, 'agency-directory': 24002, 'client-journey': 24003, reporting: 24004 };
export const SERVICES = Object.keys(SERVICE_PORTS);
/** The harness's own database sessions carry this name, so the waves never terminate them. */
export const HARNESS_APPLICATION = 'umbrella-chaos-harness';

export const databaseOf = (service) => `umbrella_${service.replace(/-/g, '_')}_chaos`;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (x, digits = 0) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/** A pool on one of the chaos databases for the harness itself (never a target of the waves). */
export function harnessPool(pgUrl, database, max = 2) {
  return new pg.Pool({ connectionString: `${pgUrl}/${database}`, max, application_name: HARNESS_APPLICATION, connectionTimeoutMillis: 10_000 });
}

/**
 * Ready means the service can serve: `/health/ready` answers 200 where it exists; otherwise
 * `/health` reports its database up (a broker down, which `/health` also reports, is not the
 * service's readiness: it keeps taking work through its outbox).
 */
export async function probeReady(port) {
  try {
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(3000) });
    if (ready.status === 200) return true;
    if (ready.status !== 404) return false;
    const health = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(3000) });
    const body = await health.json().catch(() => null);
    return body?.checks?.database?.status === 'up';
  } catch {
    return false;
  }
}

export class ChaosPlatform {
  constructor({ repo, pgUrl, brokers, log, runDir, logDir }) {
    this.repo = repo;
    this.pgUrl = pgUrl;
    this.brokers = brokers;
    this.log = log;
    this.runDir = runDir;
    this.logDir = logDir;
    this.services = new Map(); // name -> { port, child, expectExit, restarting }
    this.crashes = []; // exits nobody asked for: { target, at, code, signal, reason, logTail }
    this.recoveries = []; // { target, cause, killedAt, startedAt, readyAt, restartToReadyMs, downMs }
    this.stopping = false;
    mkdirSync(runDir, { recursive: true });
    mkdirSync(logDir, { recursive: true });
    // each run's logs on their own; the previous run's are kept beside them (.1)
    for (const service of SERVICES) {
      const file = join(logDir, `${service}.log`);
      if (existsSync(file)) renameSync(file, `${file}.1`);
    }
  }

  url(service, path) {
    return `http://127.0.0.1:${SERVICE_PORTS[service]}${path}`;
  }

  /** Every run starts from empty databases, so every row the verification finds is this run's. */
  async resetDatabases() {
    const admin = new pg.Client({ connectionString: `${this.pgUrl}/postgres`, application_name: HARNESS_APPLICATION });
    await admin.connect();
    try {
      for (const service of SERVICES) {
        await admin.query(`DROP DATABASE IF EXISTS ${databaseOf(service)} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${databaseOf(service)}`);
      }
    } finally {
      await admin.end();
    }
  }

  spawnService(service) {
    const env = serviceEnv({ service, port: SERVICE_PORTS[service], databaseUrl: `${this.pgUrl}/${databaseOf(service)}`, brokers: this.brokers, instanceId: `${service}-chaos`, clientDataKey: process.env.CHAOS_CLIENT_DATA_KEY });
    const logFd = openSync(join(this.logDir, `${service}.log`), 'a');
    const child = spawn(process.execPath, [join(this.repo, 'services', service, 'dist', 'main.js')], { cwd: this.repo, env, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const entry = this.services.get(service) ?? { port: SERVICE_PORTS[service] };
    Object.assign(entry, { child, expectExit: false, startedAt: Date.now() });
    this.services.set(service, entry);
    // run.sh's trap stops whatever is listed here, should this process die without cleaning up
    writeFileSync(join(this.runDir, `${service}.pid`), String(child.pid));
    child.once('exit', (code, signal) => this.onExit(service, child, code, signal));
    return child;
  }

  onExit(service, child, code, signal) {
    const entry = this.services.get(service);
    if (!entry || entry.child !== child) return;
    rmSync(join(this.runDir, `${service}.pid`), { force: true });
    if (entry.expectExit || this.stopping) return;
    const logTail = tail(join(this.logDir, `${service}.log`), 60);
    const crash = { target: service, at: new Date().toISOString(), code, signal, reason: reasonIn(logTail), logTail };
    this.crashes.push(crash);
    this.log(`CRASH: ${service} exited on its own (code ${code}, signal ${signal}: ${crash.reason}); restarting it as a supervisor would`);
    // the supervisor's restart, with a short backoff
    entry.restarting = (async () => {
      const diedAt = Date.now();
      await sleep(1000);
      if (this.stopping) return;
      await this.restart(service, { cause: 'crash', killedAt: diedAt });
    })();
  }

  async startAll() {
    for (const service of SERVICES) this.spawnService(service);
    await Promise.all(SERVICES.map((s) => this.waitReady(s, 180_000)));
  }

  async waitReady(service, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probeReady(SERVICE_PORTS[service])) return Date.now();
      await sleep(200);
    }
    throw new Error(`${service} not ready within ${timeoutMs / 1000} s; see ${join(this.logDir, `${service}.log`)}`);
  }

  async restart(service, { cause, killedAt }) {
    const child = this.spawnService(service);
    const startedAt = Date.now();
    let readyAt = null;
    try {
      readyAt = await this.waitReady(service);
    } catch (error) {
      this.log(`${service}: ${error.message}`);
    }
    const recovery = {
      target: service,
      cause,
      killedAt: new Date(killedAt).toISOString(),
      restartToReadyMs: readyAt ? readyAt - startedAt : null,
      downMs: readyAt ? readyAt - killedAt : null,
      pid: child.pid,
    };
    this.recoveries.push(recovery);
    this.log(`${service} back (${cause}): ready ${recovery.restartToReadyMs === null ? 'NEVER' : `${recovery.restartToReadyMs} ms after restart`}, down ${recovery.downMs ?? '?'} ms`);
    return recovery;
  }

  /** kill -9, then the supervisor's restart after `pauseMs`. */
  async kill(service, pauseMs) {
    const entry = this.services.get(service);
    if (entry.restarting) await entry.restarting;
    const { child } = entry;
    if (child.exitCode !== null || child.signalCode !== null) return null;
    entry.expectExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await exited;
    await sleep(pauseMs);
    if (this.stopping) return null;
    const restarting = this.restart(service, { cause: 'kill -9', killedAt });
    entry.restarting = restarting;
    const recovery = await restarting;
    entry.restarting = null;
    return recovery;
  }

  /** Services that are not serving right now (e.g. still starting after a kill). */
  async notReady() {
    const down = [];
    for (const service of SERVICES) if (!(await probeReady(SERVICE_PORTS[service]))) down.push(service);
    return down;
  }

  async stopAll() {
    this.stopping = true;
    await Promise.all(
      [...this.services.entries()].map(async ([service, { child }]) => {
        await stopChild(child);
        rmSync(join(this.runDir, `${service}.pid`), { force: true });
      }),
    );
  }
}

/**
 * The broker, driven through deploy/kafka.sh (KAFKA_INSTANCE=chaos comes from run.sh). It is not
 * this process's child, so a watcher notices when it dies without having been killed.
 */
export class ChaosBroker {
  constructor({ repo, log, logDir, platform }) {
    this.repo = repo;
    this.log = log;
    this.platform = platform; // crashes and recoveries are recorded with the services'
    this.logFile = join(logDir, 'kafka-control.log');
    this.pidFile = process.env.CHAOS_KAFKA_PID_FILE;
    this.expectExit = false;
    this.busy = null;
  }

  pid() {
    if (!this.pidFile || !existsSync(this.pidFile)) return null;
    const pid = Number(readFileSync(this.pidFile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  /** The pid is this run's broker: a JVM started with the chaos instance's configuration. */
  alive(pid = this.pid()) {
    if (!pid) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka-chaos');
    } catch {
      return false;
    }
  }

  /** `kafka.sh start` as a child process (never a synchronous call: the load runs meanwhile); resolves when the broker answers. */
  start() {
    return new Promise((resolve, reject) => {
      const fd = openSync(this.logFile, 'a');
      const child = spawn('bash', [join(this.repo, 'deploy', 'kafka.sh'), 'start'], { cwd: this.repo, env: process.env, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      // should this process die meanwhile, run.sh's trap stops the start before it stops the broker
      const pidFile = join(this.platform.runDir, 'kafka-start.pid');
      writeFileSync(pidFile, String(child.pid));
      child.once('exit', (code) => {
        rmSync(pidFile, { force: true });
        if (code === 0) resolve();
        else reject(new Error(`kafka.sh start exited with ${code}; see ${this.logFile}`));
      });
    });
  }

  async kill(pauseMs) {
    if (this.busy) await this.busy;
    const pid = this.pid();
    if (!this.alive(pid)) return null;
    this.busy = (async () => {
      this.expectExit = true;
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      for (let i = 0; i < 100 && this.alive(pid); i += 1) await sleep(100);
      await sleep(pauseMs);
      return this.restart('kill -9', killedAt);
    })();
    try {
      return await this.busy;
    } finally {
      this.busy = null;
    }
  }

  async restart(cause, killedAt) {
    const startedAt = Date.now();
    let readyAt = null;
    try {
      await this.start();
      readyAt = Date.now();
    } catch (error) {
      this.log(`broker: ${error.message}`);
    }
    this.expectExit = false;
    const recovery = { target: 'kafka', cause, killedAt: new Date(killedAt).toISOString(), restartToReadyMs: readyAt ? readyAt - startedAt : null, downMs: readyAt ? readyAt - killedAt : null, pid: this.pid() };
    this.platform.recoveries.push(recovery);
    this.log(`kafka back (${cause}): ready ${recovery.restartToReadyMs === null ? 'NEVER' : `${recovery.restartToReadyMs} ms after restart`}, down ${recovery.downMs ?? '?'} ms`);
    return recovery;
  }

  /** Notices a broker that died on its own (and restarts it); bounded by `stop()`. */
  watch() {
    this.watching = true;
    this.watcher = (async () => {
      while (this.watching) {
        await sleep(1000);
        if (!this.watching || this.busy || this.expectExit) continue;
        const pid = this.pid();
        if (pid && !this.alive(pid)) {
          this.platform.crashes.push({ target: 'kafka', at: new Date().toISOString(), code: null, signal: null, reason: 'the broker process is gone', logTail: [] });
          this.log('CRASH: the broker exited on its own; restarting it');
          this.busy = this.restart('crash', Date.now());
          await this.busy;
          this.busy = null;
        }
      }
    })();
  }

  async stopWatching() {
    this.watching = false;
    await this.watcher;
    if (this.busy) await this.busy;
  }
}

/**
 * One wave: every connection of the services to their chaos databases terminated, `rounds`
 * times, `gapMs` apart (a pool that reconnects at once is hit again). The harness's own
 * sessions are named and left alone.
 */
export async function terminateWave(pgUrl, { rounds, gapMs }) {
  const admin = new pg.Client({ connectionString: `${pgUrl}/postgres`, application_name: HARNESS_APPLICATION });
  await admin.connect();
  const perRound = [];
  try {
    for (let r = 0; r < rounds; r += 1) {
      const { rows } = await admin.query(
        `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = ANY($1) AND backend_type = 'client backend' AND pid <> pg_backend_pid()
            AND application_name IS DISTINCT FROM $2`,
        [SERVICES.map(databaseOf), HARNESS_APPLICATION],
      );
      perRound.push(rows[0].n);
      if (r < rounds - 1) await sleep(gapMs);
    }
  } finally {
    await admin.end();
  }
  return perRound;
}

function tail(file, lines) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

/** What a Node.js process said as it died: the error line, and its code when it has one (e.g. 57P01). */
function reasonIn(lines) {
  // Node.js prints where it threw ("node:events:…") before the error itself
  let start = lines.findLastIndex((l) => /^node:|^fatal:/.test(l));
  if (start < 0) start = lines.findLastIndex((l) => /^\S*Error\b|^error:/.test(l));
  if (start < 0) return 'no error in its log';
  const error = lines.slice(start).find((l) => /^(\w*Error|error|fatal)\b.*:/.test(l)) ?? lines[start];
  const code = lines.slice(start).map((l) => /^\s*code: '([^']+)'/.exec(l)).find(Boolean);
  const unhandled = lines.slice(start).some((l) => /Unhandled 'error' event/.test(l));
  return `${unhandled ? "unhandled 'error' event: " : ''}${error.trim()}${code ? ` (${code[1]})` : ''}`;
}
