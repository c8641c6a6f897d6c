// End to end: referrals created over HTTP (authenticated, validated, agreement-checked) until the
// referral is visible both on the client's journey timeline (client-journey) and in the reporting
// projection. Offered load steps up (open loop: requests are sent on schedule, whatever the
// answers) until a step misses the latency target or cannot keep up.
import { ProcessSampler, round, sleep } from '../lib/platform.mjs';
import { request } from '../lib/http.mjs';
import { enrolAgencies, registerClients, tokenOf, waitForConsents } from '../lib/partnership.mjs';
import { summarise } from '../lib/stats.mjs';
import { waitForQuiet } from '../lib/kafka-lag.mjs';

const DOMAINS = ['training', 'confidence-and-motivation', 'employer-placement', 'employment-case-management', 'health', 'housing', 'addiction'];
export const E2E_AGENCIES = [
  ...Array.from({ length: 5 }, (_, i) => ({ id: `bench-from-${i}`, stakeholderType: 'public-employment-service', region: 'benchland' })),
  ...Array.from({ length: 5 }, (_, i) => ({ id: `bench-to-${i}`, stakeholderType: 'education-or-training-provider', region: 'benchland' })),
];
const TARGET_P99_MS = 250;

/** Watches both projections for the referrals in flight and notes when each becomes visible. */
class VisibilityWatcher {
  constructor(journeyDb, reportingDb) {
    this.journeyDb = journeyDb;
    this.reportingDb = reportingDb;
    this.pending = new Map(); // referralId -> { sentAt, journeyAt, reportingAt, resolve }
    this.early = new Map(); // referralId -> when the timeline showed it, before its creator had the answer
    this.lastSeq = 0;
    this.running = false;
    this.outstanding = 0; // requests sent whose referral is not watched yet
  }

  async start() {
    const { rows } = await this.journeyDb.query('SELECT coalesce(max(seq), 0)::bigint AS seq FROM journey_entry');
    this.lastSeq = Number(rows[0].seq);
    this.running = true;
    this.loop = this.run();
  }

  async stop() {
    this.running = false;
    await this.loop;
  }

  watch(referralId, sentAt) {
    const journeyAt = this.early.get(referralId) ?? null;
    this.early.delete(referralId);
    return new Promise((resolve) => this.pending.set(referralId, { sentAt, journeyAt, reportingAt: null, resolve }));
  }

  async run() {
    while (this.running) {
      const started = Date.now();
      // polling costs the database too: only while something is on its way
      if (this.pending.size > 0 || this.outstanding > 0) await this.poll();
      await sleep(Math.max(0, 10 - (Date.now() - started)));
    }
  }

  async poll() {
    const now = () => performance.now();
    // journey_entry has one writer (the consumer), so seq grows in commit order; a margin covers a batch in flight
    const journey = await this.journeyDb.query(
      `SELECT seq, details->>'referralId' AS id FROM journey_entry WHERE seq > $1 AND event_type = 'ReferralRequested' ORDER BY seq`,
      [Math.max(0, this.lastSeq - 1000)],
    );
    const seenJourney = now();
    const before = this.lastSeq;
    for (const row of journey.rows) {
      this.lastSeq = Math.max(this.lastSeq, Number(row.seq));
      const p = this.pending.get(row.id);
      if (p && p.journeyAt === null) p.journeyAt = seenJourney;
      else if (!p && Number(row.seq) > before) this.early.set(row.id, seenJourney);
    }
    const waiting = [...this.pending.entries()].filter(([, p]) => p.reportingAt === null).map(([id]) => id);
    if (waiting.length > 0) {
      const reporting = await this.reportingDb.query('SELECT referral_id::text AS id FROM referral_fact WHERE referral_id = ANY($1::uuid[])', [waiting]);
      const seenReporting = now();
      for (const row of reporting.rows) this.pending.get(row.id).reportingAt = seenReporting;
    }
    for (const [id, p] of this.pending) {
      if (p.journeyAt !== null && p.reportingAt !== null) {
        this.pending.delete(id);
        p.resolve({ journeyMs: p.journeyAt - p.sentAt, reportingMs: p.reportingAt - p.sentAt, visibleMs: Math.max(p.journeyAt, p.reportingAt) - p.sentAt });
      }
    }
  }
}

export async function runE2eBenchmark({ platform, dbs, steps, stepSeconds, log }) {
  await enrolAgencies(platform, E2E_AGENCIES);
  const froms = E2E_AGENCIES.filter((a) => a.id.startsWith('bench-from')).map((a) => a.id);
  const tos = E2E_AGENCIES.filter((a) => a.id.startsWith('bench-to')).map((a) => a.id);
  const tokens = await Promise.all(froms.map((f) => tokenOf('caseworker', f)));

  // Referral slots: each client registered takes one referral per domain. A batch's slots go
  // domain by domain, so one client's referrals are far apart in the sequence.
  const slots = [];
  let cursor = 0;
  let clientCount = 0;
  const setup = { clients: 0, seconds: 0 };
  const ensureSlots = async (wanted) => {
    const missing = wanted - (slots.length - cursor);
    if (missing <= 0) return;
    // a multiple of the referring agencies, so client n is always registered by the agency that refers it
    const count = Math.ceil(missing / DOMAINS.length / froms.length) * froms.length;
    const started = Date.now();
    const clients = await registerClients(platform, { count, at: froms, consent: (i) => ({ agencyId: tos[(clientCount + i) % tos.length] }), tag: 'e2e' });
    await waitForConsents(dbs.referral, clients);
    const base = clientCount;
    clientCount += clients.length;
    for (const domain of DOMAINS) clients.forEach((clientId, i) => slots.push({ clientId, n: base + i, domain }));
    const seconds = (Date.now() - started) / 1000;
    setup.clients += clients.length;
    setup.seconds += seconds;
    log(`${clients.length} more clients registered with consent in ${seconds.toFixed(1)} s (${Math.round((clients.length * 2) / seconds)} requests/s)`);
    // what the set-up published is worked off before anything is timed
    await waitForQuiet(platform.brokers, { log });
  };
  const nextReferral = () => {
    const { clientId, n, domain } = slots[cursor++];
    const i = n % froms.length;
    return { token: tokens[i], body: { clientId, fromAgencyId: froms[i], toAgencyId: tos[n % tos.length], domain } };
  };
  await ensureSlots(50);

  const watcher = new VisibilityWatcher(dbs.journey, dbs.reporting);
  await watcher.start();
  const one = async () => {
    const { token, body } = nextReferral();
    const sentAt = performance.now();
    watcher.outstanding += 1;
    const res = await request('POST', platform.url('referral', '/referrals'), { token, body });
    watcher.outstanding -= 1;
    if (res.status !== 201) return { status: res.status, code: res.body?.code, createMs: res.ms };
    const visible = await Promise.race([watcher.watch(res.body.id, sentAt), sleep(30_000).then(() => null)]);
    return { status: 201, createMs: res.ms, ...(visible ?? { visibleMs: null }) };
  };

  // warm-up: the JIT, the pools and the consumers' first fetches; also gives the baseline its envelopes
  await Promise.all(Array.from({ length: 50 }, one));

  const results = [];
  for (const rate of steps) {
    await ensureSlots(Math.round(rate * stepSeconds));
    const sampler = new ProcessSampler(platform);
    sampler.start();
    const outcomes = [];
    const started = performance.now();
    const total = Math.round(rate * stepSeconds);
    let sent = 0;
    let skipped = 0;
    let inFlight = 0;
    while (sent + skipped < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (sent + skipped < due) {
        if (inFlight >= 2000) {
          skipped += 1; // the generator refuses to queue without bound: the step is not sustained
          continue;
        }
        inFlight += 1;
        sent += 1;
        outcomes.push(
          one().finally(() => {
            inFlight -= 1;
          }),
        );
      }
      await sleep(2);
    }
    const sendSeconds = (performance.now() - started) / 1000;
    const done = await Promise.all(outcomes);
    const usage = sampler.stop();
    const created = done.filter((o) => o.status === 201);
    const visible = created.filter((o) => o.visibleMs != null);
    const lastVisible = Math.max(0, ...visible.map((o) => o.visibleMs));
    const errors = {};
    for (const o of done.filter((x) => x.status !== 201)) errors[`${o.status} ${o.code ?? ''}`.trim()] = (errors[`${o.status} ${o.code ?? ''}`.trim()] ?? 0) + 1;
    const latency = summarise(visible.map((o) => o.visibleMs));
    const step = {
      offeredPerSecond: rate,
      seconds: round(sendSeconds, 2),
      requested: total,
      created: created.length,
      visible: visible.length,
      notSent: skipped,
      errors,
      achievedPerSecond: round(visible.length / sendSeconds, 1),
      createMs: summarise(created.map((o) => o.createMs)),
      visibleMs: latency,
      journeyMs: summarise(visible.map((o) => o.journeyMs)),
      reportingMs: summarise(visible.map((o) => o.reportingMs)),
      processes: usage,
    };
    step.keptUp = skipped === 0 && visible.length === total && step.achievedPerSecond >= 0.95 * rate;
    step.withinTarget = step.keptUp && latency.p99 != null && latency.p99 <= TARGET_P99_MS;
    results.push(step);
    log(
      `offered ${rate}/s: ${step.achievedPerSecond}/s visible, create p50 ${step.createMs.p50} ms p99 ${step.createMs.p99} ms, ` +
        `create→visible p50 ${latency.p50} ms p99 ${latency.p99} ms${Object.keys(errors).length ? `, errors ${JSON.stringify(errors)}` : ''}` +
        `${step.keptUp ? '' : ' — did not keep up'}${step.withinTarget ? '' : ` — misses p99 ≤ ${TARGET_P99_MS} ms`} (last visible after ${Math.round(lastVisible)} ms)`,
    );
    if (!step.withinTarget) break;
    await sleep(2000);
  }
  await watcher.stop();
  const sustained = results.filter((s) => s.keptUp).at(-1) ?? null;
  const withinTarget = results.filter((s) => s.withinTarget).at(-1) ?? null;
  return { setup: { clients: setup.clients, seconds: round(setup.seconds, 1) }, targetP99Ms: TARGET_P99_MS, steps: results, highestSustained: sustained, highestWithinTarget: withinTarget };
}
