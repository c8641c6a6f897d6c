// The chaos run: a platform of its own under a steady referral load, with kill -9 of each service
// and of the broker and waves of pg_terminate_backend at moments drawn from a seed; afterwards,
// once the platform is quiet, every answer is checked against the databases and the topics.
// Started by bench/chaos/run.sh (npm run chaos), which builds and starts the broker first.
//   --duration N     seconds of load and faults (default 150)
//   --seed N         the seed of the fault schedule and the load's choices (default: random, printed)
//   --rate N         client journeys started per second (default 4; each is up to 10 commands)
//   --quiet-timeout N  seconds to wait for the platform to come back and catch up (default 300)
import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { enrolAgencies } from '../lib/partnership.mjs';
import { CommandClient, ConsentWatcher, ReferralLoad } from './load.mjs';
import { ChaosBroker, ChaosPlatform, databaseOf, harnessPool, round, SERVICES, sleep, terminateWave } from './platform.mjs';
import { CATEGORIES, Findings, verify, waitForQuiescence } from './verify.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (m) => console.error(`[chaos ${new Date().toISOString().slice(11, 19)}] ${m}`);

function options() {
  const usage = 'usage: npm run chaos -- [--duration 150] [--seed N] [--rate 4] [--quiet-timeout 300]';
  let values;
  try {
    ({ values } = parseArgs({ options: { duration: { type: 'string' }, seed: { type: 'string' }, rate: { type: 'string' }, 'quiet-timeout': { type: 'string' } } }));
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  const problems = [];
  const whole = (name, text, min, max, fallback) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`--${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  const opts = {
    duration: whole('duration', values.duration, 30, 3600, 150),
    seed: whole('seed', values.seed, 0, 2 ** 31 - 1, randomInt(2 ** 31 - 1)),
    rate: whole('rate', values.rate, 1, 50, 4),
    quietTimeout: whole('quiet-timeout', values['quiet-timeout'], 30, 1800, 300),
  };
  if (problems.length) {
    console.error(`${problems.join('\n')}\n${usage}`);
    process.exit(2);
  }
  return opts;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function seeded(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The faults, drawn from the seed before anything runs: each service killed (more than once on
 * longer runs), the broker killed, and waves of pg_terminate_backend, at moments between 10 % and
 * 80 % of the run so the last ones still meet load.
 */
function schedule(rng, durationS) {
  const rounds = Math.max(1, Math.floor(durationS / 150));
  const at = () => Math.round((0.1 + rng() * 0.7) * durationS * 1000);
  const faults = [];
  for (let r = 0; r < rounds; r += 1) {
    for (const service of SERVICES) faults.push({ at: at(), kind: 'kill', target: service, pauseMs: 500 + Math.round(rng() * 2500) });
    faults.push({ at: at(), kind: 'kill', target: 'kafka', pauseMs: 1000 + Math.round(rng() * 4000) });
  }
  const waves = Math.max(3, Math.round(durationS / 20));
  for (let w = 0; w < waves; w += 1) faults.push({ at: at(), kind: 'pg-wave', target: 'postgresql', rounds: 2 + Math.floor(rng() * 3), gapMs: 300 + Math.round(rng() * 700) });
  return faults.sort((a, b) => a.at - b.at);
}

const AGENCIES = {
  from: ['chaos-jobcentre-0', 'chaos-jobcentre-1', 'chaos-jobcentre-2'],
  to: ['chaos-college-0', 'chaos-college-1', 'chaos-college-2'],
};

/** The referral and client-journey services learn agencies and signatures from events: wait until they know them all. */
async function waitForDirectory(pgUrl, timeoutMs = 120_000) {
  const all = [...AGENCIES.from, ...AGENCIES.to];
  const referral = harnessPool(pgUrl, databaseOf('referral'), 1);
  const journey = harnessPool(pgUrl, databaseOf('client-journey'), 1);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const known = (await referral.query('SELECT count(*)::int AS n FROM known_agency WHERE agency_id = ANY($1)', [all])).rows[0].n;
      const signed = (await referral.query('SELECT count(*)::int AS n FROM agency_signature WHERE agency_id = ANY($1) AND signed', [all])).rows[0].n;
      const journeyKnown = (await journey.query('SELECT count(*)::int AS n FROM known_agency WHERE agency_id = ANY($1)', [all])).rows[0].n;
      if (known === all.length && signed === all.length && journeyKnown === all.length) return;
      if (Date.now() > deadline) throw new Error(`the services learnt ${known}/${signed}/${journeyKnown} of ${all.length} agencies in ${timeoutMs / 1000} s`);
      await sleep(500);
    }
  } finally {
    await referral.end();
    await journey.end();
  }
}

async function runFaults({ faults, platform, broker, pgUrl, startedAt }) {
  const done = [];
  const running = [];
  for (const fault of faults) {
    await sleep(Math.max(0, startedAt + fault.at - Date.now()));
    const record = { ...fault, firedAt: round((Date.now() - startedAt) / 1000, 1) };
    done.push(record);
    if (fault.kind === 'kill' && fault.target === 'kafka') {
      log(`kill -9 the broker (restart after ${fault.pauseMs} ms)`);
      running.push(broker.kill(fault.pauseMs).then((r) => (record.recovery = r)));
    } else if (fault.kind === 'kill') {
      log(`kill -9 ${fault.target} (restart after ${fault.pauseMs} ms)`);
      running.push(platform.kill(fault.target, fault.pauseMs).then((r) => (record.recovery = r)));
    } else {
      running.push(
        terminateWave(pgUrl, fault).then(
          (perRound) => {
            record.terminated = perRound;
            log(`pg_terminate_backend wave: ${perRound.join(' + ')} connections terminated`);
          },
          (error) => (record.error = error.message),
        ),
      );
    }
  }
  await Promise.all(running);
  return done;
}

function summarise(result) {
  const lines = [];
  const { commands, faults, recoveries, counts, figures } = result;
  const attempts = commands.reduce((s, c) => s + c.attempts.length, 0);
  lines.push(`seed ${result.seed}: reproduce the same schedule with  npm run chaos -- --seed ${result.seed} --duration ${result.duration} --rate ${result.rate}`);
  lines.push(`requests: ${commands.length} commands, ${attempts} attempts (${commands.filter((c) => c.attempts.length > 1).length} commands retried); journeys ${result.journeys} (${result.skippedJourneys} not started: too many in flight; ${result.abandoned.consentNotLearnt} abandoned: consent not learnt in time)`);
  lines.push('final answers:');
  for (const [kind, byAnswer] of Object.entries(figures.outcomes ?? {})) lines.push(`  ${kind.padEnd(18)} ${Object.entries(byAnswer).map(([a, n]) => `${a} ×${n}`).join(', ')}`);
  const byAttempt = {};
  for (const a of commands.flatMap((c) => c.attempts)) {
    const label = a.status === 0 ? `no answer (${a.error})` : `${a.status}${a.code ? ` ${a.code}` : ''}`;
    byAttempt[label] = (byAttempt[label] ?? 0) + 1;
  }
  lines.push(`every attempt: ${Object.entries(byAttempt).sort((x, y) => y[1] - x[1]).map(([a, n]) => `${a} ×${n}`).join(', ')}`);
  const kills = faults.filter((f) => f.kind === 'kill');
  const waves = faults.filter((f) => f.kind === 'pg-wave');
  lines.push(`kills: ${kills.map((f) => `${f.target} at ${f.firedAt}s`).join(', ')}`);
  lines.push(`pg_terminate_backend waves: ${waves.map((w) => `at ${w.firedAt}s ${w.terminated ? w.terminated.join('+') : `failed: ${w.error}`}`).join('; ')}`);
  lines.push('recovery (restart → ready; kill → ready):');
  for (const r of recoveries) lines.push(`  ${r.target.padEnd(17)} ${r.cause.padEnd(8)} ${r.restartToReadyMs === null ? 'NOT READY' : `${round(r.restartToReadyMs / 1000, 1)} s`}; down ${r.downMs === null ? '?' : `${round(r.downMs / 1000, 1)} s`}`);
  lines.push(`quiescence: ${result.quiescence.quiet ? `reached after ${round(result.quiescence.seconds, 1)} s` : `NOT reached in ${round(result.quiescence.seconds, 0)} s`}`);
  lines.push(`found: ${figures.databases ? Object.entries(figures.databases).map(([k, v]) => `${v} ${k}`).join(', ') : '-'}; ${figures.topics ? `${figures.topics.events} distinct events on the topics (${figures.topics.republishedCopies} republished copies)` : ''}`);
  for (const [note, n] of Object.entries(result.notes)) lines.push(`  note: ${note}: ${n}`);
  lines.push('checks:');
  for (const [category, n] of Object.entries(counts)) lines.push(`  ${n === 0 ? 'ok  ' : 'FAIL'} ${category.padEnd(22)} ${String(n).padStart(5)}  ${CATEGORIES[category]}`);
  for (const category of Object.keys(counts).filter((c) => counts[c] > 0)) {
    lines.push(`examples of ${category}:`);
    for (const f of result.failures.filter((x) => x.category === category).slice(0, 5)) lines.push(`  ${JSON.stringify({ ...f, category: undefined, logTail: undefined })}`);
  }
  return lines.join('\n');
}

async function main() {
  const opts = options();
  const pgUrl = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
  const brokers = process.env.CHAOS_KAFKA_BROKERS ?? '127.0.0.1:24092';
  const rng = seeded(opts.seed);
  const faults = schedule(rng, opts.duration);
  log(`seed ${opts.seed}; ${opts.duration} s of load (${opts.rate} journeys/s) and ${faults.length} faults:`);
  for (const f of faults) log(`  at ${round(f.at / 1000, 1)} s: ${f.kind} ${f.target}${f.pauseMs ? ` (restart after ${f.pauseMs} ms)` : ` (${f.rounds} rounds, ${f.gapMs} ms apart)`}`);

  const platform = new ChaosPlatform({ repo, pgUrl, brokers, log, runDir: join(repo, '.umbrella', 'run', 'chaos'), logDir: join(repo, '.umbrella', 'logs', 'chaos') });
  const broker = new ChaosBroker({ repo, log, logDir: platform.logDir, platform });
  const findings = new Findings();
  const result = { seed: opts.seed, duration: opts.duration, rate: opts.rate, startedAt: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.versions.node, loadAverageAtStart: os.loadavg().map((x) => round(x, 2)) } };
  const client = new CommandClient({ runId: `chaos${opts.seed}`, log });
  let load = null;
  const stopSignals = () => {
    log('interrupted: stopping what this run started');
    platform.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', stopSignals);
  process.once('SIGTERM', stopSignals);
  try {
    log('fresh databases umbrella_<service>_chaos; starting the four services on 24001-24004');
    await platform.resetDatabases();
    await platform.startAll();
    await enrolAgencies(platform, [
      ...AGENCIES.from.map((id) => ({ id, stakeholderType: 'public-employment-service', region: 'chaosland' })),
      ...AGENCIES.to.map((id) => ({ id, stakeholderType: 'education-or-training-provider', region: 'chaosland' })),
    ]);
    await waitForDirectory(pgUrl);
    log('partnership ready; load and faults begin');

    const consent = new ConsentWatcher(pgUrl, databaseOf('referral'));
    consent.start();
    broker.watch();
    load = new ReferralLoad({ platform, client, consent, agencies: AGENCIES, rng, seed: opts.seed, log });
    const startedAt = Date.now();
    const [journeys, firedFaults] = await Promise.all([
      load.run({ ratePerSecond: opts.rate, until: startedAt + opts.duration * 1000, maxInFlight: 300 }),
      runFaults({ faults, platform, broker, pgUrl, startedAt }),
    ]);
    await consent.stop();
    if (load.errors.length > 0) throw new Error(`the load generator broke in ${load.errors.length} journeys, first: ${load.errors[0]}`);
    result.journeys = journeys;
    result.skippedJourneys = load.skipped;
    result.abandoned = load.abandoned;
    result.faults = firedFaults;
    log(`load ended after ${round((Date.now() - startedAt) / 1000, 0)} s (${client.commands.length} commands); waiting for the platform to be quiet`);

    const pools = Object.fromEntries(SERVICES.map((s) => [s, harnessPool(pgUrl, databaseOf(s), 1)]));
    try {
      result.quiescence = await waitForQuiescence({ brokers, pools, timeoutMs: opts.quietTimeout * 1000, log });
    } finally {
      await Promise.all(Object.values(pools).map((p) => p.end()));
    }
    if (!result.quiescence.quiet) findings.fail('not-quiet', { where: 'platform', detail: JSON.stringify(result.quiescence.state) });
    await broker.stopWatching();
    for (const crash of platform.crashes) findings.fail('crash', { where: crash.target, detail: `exited with code ${crash.code} signal ${crash.signal} at ${crash.at}: ${crash.reason}` });
    log('verifying: the databases and an independent read of the topics');
    result.figures = await verify({ pgUrl, brokers, commands: client.commands, platform, findings });
  } catch (error) {
    log(`the run broke: ${error.stack ?? error}`);
    result.error = String(error.stack ?? error);
  } finally {
    await broker.stopWatching().catch(() => undefined);
    await platform.stopAll();
  }
  result.recoveries = platform.recoveries;
  result.crashes = platform.crashes;
  result.commands = client.commands;
  result.faults ??= faults;
  result.journeys ??= 0;
  result.skippedJourneys ??= load?.skipped ?? 0;
  result.abandoned ??= load?.abandoned ?? { consentNotLearnt: 0 };
  result.quiescence ??= { quiet: false, seconds: 0 };
  result.figures ??= {};
  result.counts = findings.counts();
  result.failures = findings.failures;
  result.notes = findings.notes;
  result.finishedAt = new Date().toISOString();

  const dir = join(repo, 'bench', 'chaos', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.startedAt.replace(/[:.]/g, '-').slice(0, 19)}-seed-${opts.seed}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 1)}\n`);
  process.stdout.write(`\n${summarise(result)}\n`);
  const failed = Object.values(result.counts).reduce((s, n) => s + n, 0);
  log(`summary: ${file}`);
  if (result.error) {
    log('FAILED: the run itself broke (see above); nothing was verified');
    process.exitCode = 1;
  } else if (failed > 0) {
    log(`FAILED: ${failed} findings (${Object.entries(result.counts).filter(([, n]) => n > 0).map(([c, n]) => `${c} ${n}`).join(', ')})`);
    process.exitCode = 1;
  } else {
    log('passed: nothing lost, duplicated, reordered, falsely answered or unaudited; no crash, no dead letter');
  }
}

main().catch((error) => {
  console.error(`[chaos] failed: ${error.stack ?? error}`);
  process.exit(1);
});
