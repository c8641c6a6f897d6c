// Starts and stops the benchmark's own platform: the four services (and extra referral instances)
// as processes on their own ports and databases, and samples the CPU and memory of every process.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export const SERVICES = { referral: 23001, 'agency-directory': 23002, 'client-journey': 23003, reporting: 23004 };
const EXTRA_REFERRAL_PORTS = [23011, 23012];
const TICKS_PER_SECOND = 100;

export const databaseOf = (service) => `umbrella_${service.replace(/-/g, '_')}_bench`;

export class BenchPlatform {
  constructor(repo) {
    this.repo = repo;
    this.pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
    this.brokers = process.env.BENCH_KAFKA_BROKERS ?? '127.0.0.1:29092';
    this.logDir = join(repo, '.umbrella', 'logs', 'bench');
    this.instances = new Map(); // instance name -> { service, port, child }
    mkdirSync(this.logDir, { recursive: true });
  }

  url(instance, path) {
    return `http://127.0.0.1:${this.instances.get(instance).port}${path}`;
  }

  /** Every run starts from empty databases, so runs compare. */
  async resetDatabases() {
    const admin = new pg.Client({ connectionString: `${this.pgUrl}/postgres` });
    await admin.connect();
    try {
      for (const service of Object.keys(SERVICES)) {
        await admin.query(`DROP DATABASE IF EXISTS ${databaseOf(service)} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${databaseOf(service)}`);
      }
    } finally {
      await admin.end();
    }
  }

  async startAll() {
    for (const [service, port] of Object.entries(SERVICES)) this.start(service, service, port);
    await Promise.all(Object.keys(SERVICES).map((s) => this.waitHealthy(s)));
  }

  /** Two more referral instances on the same database and broker, for the claims storm. */
  async startExtraReferralInstances() {
    const names = EXTRA_REFERRAL_PORTS.map((port, i) => {
      const name = `referral-${i + 2}`;
      this.start('referral', name, port);
      return name;
    });
    await Promise.all(names.map((n) => this.waitHealthy(n)));
    return names;
  }

  start(service, instance, port) {
    const env = serviceEnv({ service, port, databaseUrl: `${this.pgUrl}/${databaseOf(service)}`, brokers: this.brokers, instanceId: `${instance}-bench`, clientDataKey: process.env.BENCH_CLIENT_DATA_KEY });
    const log = openSync(join(this.logDir, `${instance}.log`), 'a');
    const child = spawn(process.execPath, [...nodeArgs(), join(this.repo, 'services', service, 'dist', 'main.js')], { cwd: this.repo, env, stdio: ['ignore', log, log] });
    this.instances.set(instance, { service, port, child });
    return child;
  }

  async waitHealthy(instance, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { child } = this.instances.get(instance);
      if (child.exitCode !== null) throw new Error(`${instance} exited with ${child.exitCode}; see ${join(this.logDir, `${instance}.log`)}`);
      try {
        const res = await fetch(this.url(instance, '/health/ready'));
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`${instance} not healthy within ${timeoutMs / 1000} s; see ${join(this.logDir, `${instance}.log`)}`);
  }

  async stop(instance) {
    const entry = this.instances.get(instance);
    if (!entry) return;
    this.instances.delete(instance);
    await stopChild(entry.child);
  }

  async stopAll() {
    await Promise.all([...this.instances.keys()].map((i) => this.stop(i)));
  }

  /** pid of every process measured: the service instances, the broker, PostgreSQL, this load generator. */
  processes() {
    const list = [...this.instances.entries()].map(([name, { child }]) => ({ name, pids: [child.pid] }));
    const kafkaPidFile = process.env.BENCH_KAFKA_PID_FILE;
    if (kafkaPidFile && existsSync(kafkaPidFile)) list.push({ name: 'kafka', pids: [Number(readFileSync(kafkaPidFile, 'utf8').trim())] });
    list.push({ name: 'postgresql', pids: postgresPids(), shared: true });
    list.push({ name: 'load generator', pids: [process.pid] });
    return list;
  }
}

/** BENCH_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/profiles", profiles the services under load. */
function nodeArgs() {
  return (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

function postgresPids() {
  try {
    return execFileSync('pgrep', ['-x', 'postgres'], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function readTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0;
  }
}

export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples CPU (% of one core) and resident memory of each process between start() and stop().
 * PostgreSQL's memory is shared between its backends, so only its CPU is summed.
 */
export class ProcessSampler {
  constructor(platform, intervalMs = 500) {
    this.platform = platform;
    this.intervalMs = intervalMs;
  }

  start() {
    this.groups = this.platform.processes();
    // per pid: PostgreSQL's backends come and go, so a group's CPU is summed pid by pid
    this.startTicks = this.groups.map((g) => new Map(g.pids.map((p) => [p, readTicks(p)])));
    this.startedAt = process.hrtime.bigint();
    this.peakRss = this.groups.map(() => 0);
    const sample = () => {
      this.groups.forEach((g, i) => {
        if (g.shared) return;
        this.peakRss[i] = Math.max(this.peakRss[i], g.pids.reduce((s, p) => s + rssMb(p), 0));
      });
    };
    sample();
    this.timer = setInterval(sample, this.intervalMs);
    this.timer.unref();
  }

  /**
   * CPU per process over the window. A pid that ended inside the window is not counted (its last
   * ticks are gone with it); one that started inside counts from zero.
   */
  stop() {
    clearInterval(this.timer);
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    return this.groups.map((g, i) => {
      const pids = g.name === 'postgresql' ? postgresPids() : g.pids;
      const ticks = pids.reduce((sum, p) => sum + Math.max(0, readTicks(p) - (this.startTicks[i].get(p) ?? 0)), 0);
      return {
        process: g.name,
        cpuPercentOfOneCore: round((ticks / TICKS_PER_SECOND / seconds) * 100, 1),
        peakRssMb: g.shared ? null : round(this.peakRss[i], 1),
      };
    });
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const round = (x, digits = 0) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/**
 * The environment of one service process started by a harness of ours (the bench, the chaos run):
 * production mode, the local identity provider's key, and client-journey's personal-data key.
 */
export function serviceEnv({ service, port, databaseUrl, brokers, instanceId, clientDataKey }) {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: brokers,
    INSTANCE_ID: instanceId,
    AUTH_ISSUER: process.env.AUTH_ISSUER,
    AUTH_AUDIENCE: process.env.AUTH_AUDIENCE,
    AUTH_PUBLIC_KEY_FILE: process.env.AUTH_PUBLIC_KEY_FILE,
    ...(service === 'client-journey' ? { CLIENT_DATA_KEY: clientDataKey } : {}),
  };
}

/** SIGTERM, then SIGKILL if the process has not drained and exited within 20 s. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
