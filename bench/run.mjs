// The benchmark: brings up its own platform and runs every benchmark against it, each figure with
// a baseline measured in the same run. Started by bench/run.sh (npm run bench), which installs,
// builds and starts the broker first.
//   --quick                 shortened steps and sizes (a smoke run of the whole benchmark)
//   --only a,b              run some of: engine, directory, e2e, baselines, storm, replay
//   --steps 100,200,…       offered referral rates of the end-to-end steps
//   --step-seconds N        seconds per end-to-end step
//   --replay-events N       events on the topics the replay reads
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runEngineBenchmark } from './benchmarks/engine.mjs';
import { runDirectoryBenchmark } from './benchmarks/directory.mjs';
import { runE2eBenchmark } from './benchmarks/e2e.mjs';
import { kafkaCeiling, pgbenchCeiling } from './benchmarks/baselines.mjs';
import { runStormBenchmark } from './benchmarks/storm.mjs';
import { runReplayBenchmark } from './benchmarks/replay.mjs';
import { BenchPlatform, databaseOf, ProcessSampler, rssMb, round, sleep } from './lib/platform.mjs';
import { markdown, writeResults } from './lib/report.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALL = ['engine', 'directory', 'e2e', 'baselines', 'storm', 'replay'];
const log = (m) => console.error(`[bench] ${m}`);

function options() {
  const usage = 'usage: npm run bench -- [--quick] [--only engine,directory,e2e,baselines,storm,replay] [--steps 100,200] [--step-seconds 8] [--replay-events 1000000]';
  let values;
  try {
    ({ values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, steps: { type: 'string' }, 'step-seconds': { type: 'string' }, 'replay-events': { type: 'string' } } }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  const problems = [];
  const only = values.only ? values.only.split(',') : ALL;
  for (const o of only) if (!ALL.includes(o)) problems.push(`--only: ${o} is not one of ${ALL.join(', ')}`);
  const positive = (name, text, max) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) problems.push(`--${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  const quick = values.quick ?? false;
  const steps = values.steps ? values.steps.split(',').map((s) => positive('steps', s, 20_000)) : quick ? [50, 100, 200] : [25, 50, 75, 100, 125, 150, 200, 300, 400, 600, 800, 1000, 1200];
  const stepSeconds = values['step-seconds'] ? positive('step-seconds', values['step-seconds'], 600) : quick ? 3 : 8;
  const replayEvents = values['replay-events'] ? positive('replay-events', values['replay-events'], 10_000_000) : quick ? 50_000 : 1_000_000;
  if (problems.length) {
    console.error(`${problems.join('\n')}\n${usage}`);
    process.exit(2);
  }
  return { quick, only, steps, stepSeconds, replayEvents };
}

function machine(pgVersion) {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model?.trim() ?? 'unknown CPU',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.versions.node,
    java: `${java.stderr ?? ''}`.split('\n')[0] || 'java',
    postgres: pgVersion,
    kafka: '3.9.1 (KRaft, one node)',
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
  };
}

/** What the figures say about what bounds them, computed from this run. */
function notesOn(results) {
  const notes = [];
  const e2e = results.benchmarks.e2e;
  const cores = results.machine?.cpus ?? os.cpus().length;
  for (const step of [e2e?.highestSustained, e2e?.steps.at(-1)].filter(Boolean).filter((s, i, all) => all.indexOf(s) === i)) {
    const busy = step.processes.reduce((sum, p) => sum + (p.cpuPercentOfOneCore ?? 0), 0);
    const perReferral = step.processes
      .filter((p) => p.cpuPercentOfOneCore > 0)
      .map((p) => `${p.process} ${round((p.cpuPercentOfOneCore / 100) * (1000 / step.achievedPerSecond), 2)} ms`)
      .join(', ');
    notes.push(
      `At ${step.offeredPerSecond} referrals/s offered, the processes kept ${round(busy / cores, 0)} % of the machine's ${cores} cores busy; ` +
        `CPU time per referral: ${perReferral}.`,
    );
  }
  const replay = results.benchmarks.replay;
  if (replay) notes.push(`The replay published ${replay.produced.referrals * 3} referral facts (requested, accepted, completed) through the outbox while rebuilding (a fact already published is not published twice; here the topics were new).`);
  return notes;
}

/** Resident memory of a Node.js process doing nothing: what any service costs before its own code. */
async function bareNodeRss() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1500);
  const mb = rssMb(child.pid);
  child.kill();
  return round(mb, 1);
}

/** Runs one benchmark; a failure is recorded with its reason and the others still run. */
async function phase(results, name, fn) {
  try {
    return await fn();
  } catch (error) {
    log(`${name} failed: ${error.stack ?? error}`);
    results.failures.push({ benchmark: name, error: String(error.message ?? error) });
    return null;
  }
}

async function main() {
  const opts = options();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const platform = new BenchPlatform(repo);
  const results = { startedAt, quick: opts.quick, options: opts, benchmarks: {}, baselines: {}, failures: [], history: JSON.parse(readFileSync(join(repo, 'bench', 'history.json'), 'utf8')) };
  const dbs = {};
  try {
    log('fresh databases umbrella_<service>_bench; starting the four services on 23001-23004');
    await platform.resetDatabases();
    await platform.startAll();
    const pgc = new pg.Client({ connectionString: `${platform.pgUrl}/postgres` });
    await pgc.connect();
    results.machine = machine((await pgc.query('SHOW server_version')).rows[0].server_version.replace(/^/, 'PostgreSQL '));
    await pgc.end();
    for (const [key, service] of [['referral', 'referral'], ['journey', 'client-journey'], ['reporting', 'reporting'], ['directory', 'agency-directory']]) {
      dbs[key] = new pg.Pool({ connectionString: `${platform.pgUrl}/${databaseOf(service)}`, max: 2 });
    }

    // Footprint, idle: after start-up has settled, before any load.
    await sleep(10_000);
    const idle = Object.fromEntries(['referral', 'agency-directory', 'client-journey', 'reporting'].map((s) => [s, round(rssMb(platform.instances.get(s).child.pid), 1)]));
    const bareNodeMb = await bareNodeRss();
    const restSampler = new ProcessSampler(platform);
    restSampler.start();
    await sleep(10_000);
    const atRest = restSampler.stop();
    log(`CPU at rest (% of one core): ${atRest.map((p) => `${p.process} ${p.cpuPercentOfOneCore}`).join(', ')}`);
    log(`idle RSS (MB): ${JSON.stringify(idle)}; bare Node.js ${bareNodeMb} MB`);

    if (opts.only.includes('engine')) {
      results.benchmarks.engine = await phase(results, 'engine', () => runEngineBenchmark({ seconds: opts.quick ? 1 : 3 }));
      if (results.benchmarks.engine) log(`engine: ${results.benchmarks.engine.decisionsPerSecond.toLocaleString('en-GB')} decisions/s`);
    }
    if (opts.only.includes('directory')) {
      const d = await phase(results, 'directory', () => runDirectoryBenchmark({ platform, repo, directoryDb: dbs.directory, services: opts.quick ? 1000 : 10_000, searches: opts.quick ? 400 : 2000, log }));
      results.benchmarks.directory = d;
      if (d) log(`directory: search p50 ${d.searchMs.p50} ms p99 ${d.searchMs.p99} ms over ${d.services} services; /health p99 ${d.healthMs.p99} ms`);
    }
    let e2e = null;
    if (opts.only.includes('e2e') || opts.only.includes('baselines')) {
      e2e = await phase(results, 'e2e', () => runE2eBenchmark({ platform, dbs, steps: opts.only.includes('e2e') ? opts.steps : [], stepSeconds: opts.stepSeconds, log }));
      if (opts.only.includes('e2e')) results.benchmarks.e2e = e2e;
    }
    if (e2e && opts.only.includes('e2e')) {
      const peak = (name) => Math.max(0, ...e2e.steps.map((s) => s.processes.find((p) => p.process === name)?.peakRssMb ?? 0));
      results.benchmarks.footprint = {
        bareNodeMb,
        services: Object.entries(idle).map(([service, idleMb]) => ({ service, idleMb, underLoadMb: peak(service) || null })),
        cpuAtRest: atRest,
        note: 'idle: 10 s after start-up; under load: the peak during the end-to-end steps (agency-directory serves no part of that path).',
      };
    }
    if (opts.only.includes('baselines') || opts.only.includes('e2e')) {
      const envelope = async (type) => (await dbs.referral.query('SELECT envelope::text AS e FROM outbox WHERE event_type = $1 ORDER BY id DESC LIMIT 1', [type])).rows[0]?.e;
      const envelopes = { decision: await envelope('AgreementDecisionRecorded'), referral: await envelope('ReferralRequested') };
      log('PostgreSQL ceiling: pgbench with the referral transaction on a copy of the referral schema');
      results.baselines.postgres = await phase(results, 'pgbench', () => pgbenchCeiling({ pgUrl: platform.pgUrl, sourceDb: databaseOf('referral'), envelopes, seconds: opts.quick ? 5 : 15 }));
      if (results.baselines.postgres) log(`pgbench: ${results.baselines.postgres.transactionsPerSecond} referral transactions/s`);
      log("Kafka ceiling: Kafka's ProducerPerformance and ConsumerPerformance");
      results.baselines.kafka = await phase(results, 'kafka-perf', () =>
        kafkaCeiling({ brokers: platform.brokers, classpath: process.env.BENCH_KAFKA_CLASSPATH, records: opts.quick ? 50_000 : 300_000, recordSize: Buffer.byteLength(envelopes.referral ?? 'x'.repeat(800)) }),
      );
      if (results.baselines.kafka) log(`kafka: produce ${results.baselines.kafka.producerRecordsPerSecond}/s, consume ${results.baselines.kafka.consumerRecordsPerSecond}/s`);
    }
    if (opts.only.includes('storm')) {
      results.benchmarks.storm = await phase(results, 'storm', () => runStormBenchmark({ platform, dbs, brokers: platform.brokers, clients: opts.quick ? 100 : 1000, log }));
    }
    if (opts.only.includes('replay')) {
      results.benchmarks.replay = await phase(results, 'replay', () => runReplayBenchmark({ platform, brokers: platform.brokers, events: opts.replayEvents, timeoutSeconds: opts.quick ? 120 : 480, log }));
    }
  } finally {
    await platform.stopAll();
    await Promise.all(Object.values(dbs).map((p) => p.end().catch(() => undefined)));
  }
  results.notes = notesOn(results);
  results.seconds = round((performance.now() - t0) / 1000, 1);
  const { json, md } = writeResults(repo, results);
  process.stdout.write(markdown(results));
  log(`results: ${json} and ${md}`);
  if (results.failures.length) {
    log(`${results.failures.length} benchmark(s) failed: ${results.failures.map((f) => f.benchmark).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`[bench] failed: ${error.stack ?? error}`);
  process.exit(1);
});
