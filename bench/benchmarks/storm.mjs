// Competing claims: 1,000 clients, five agencies each trying to take on the client's case in an
// exclusive domain at the same moment, spread over three referral instances sharing one database
// and broker. Exactly one claim per client may be granted. Baseline: the same number of clients
// claimed once each (no contention) on the same instances, in the same run.
import { createRequire } from 'node:module';
import { pool, request } from '../lib/http.mjs';
import { enrolAgencies, registerClients, tokenOf, waitForConsents } from '../lib/partnership.mjs';
import { round } from '../lib/platform.mjs';
import { waitForQuiet } from '../lib/kafka-lag.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const DOMAIN = 'health';
const AGENCIES = Array.from({ length: 5 }, (_, i) => ({ id: `bench-health-${i}`, stakeholderType: 'health', region: 'benchland', services: [{ domain: DOMAIN, need: 'health' }] }));

async function claimRun(platform, instances, clients, agencyIds, concurrency) {
  const tokens = await Promise.all(agencyIds.map((a) => tokenOf('caseworker', a)));
  const started = performance.now();
  const perClient = await pool(clients.length, concurrency, (c) =>
    Promise.all(
      agencyIds.map((agencyId, k) =>
        request('POST', platform.url(instances[(c + k) % instances.length], `/clients/${clients[c]}/claims/${DOMAIN}`), { token: tokens[k] }).then((r) => ({ agencyId, status: r.status, code: r.body?.code })),
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perClient, seconds, decisions: clients.length * agencyIds.length };
}

/** Counts ClaimGranted events per client on the referrals topic, read independently from the start. */
async function grantedOnTopic(brokers, clientIds) {
  const wanted = new Set(clientIds);
  const kafka = new Kafka({ clientId: 'bench-storm-reader', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets('umbrella.referrals.v1');
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > 0).map((p) => [p.partition, Number(p.high)]));
  const counts = new Map();
  const consumer = kafka.consumer({ groupId: `bench-storm-reader-${Date.now()}`, maxBytes: 50 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topic: 'umbrella.referrals.v1', fromBeginning: true });
  await new Promise((resolve, reject) => {
    if (remaining.size === 0) resolve();
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) {
            if (m.headers?.['event-type']?.toString() === 'ClaimGranted') {
              const key = m.key?.toString();
              if (wanted.has(key)) counts.set(key, (counts.get(key) ?? 0) + 1);
            }
            if (Number(m.offset) + 1 >= remaining.get(batch.partition)) remaining.delete(batch.partition);
          }
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return counts;
}

export async function runStormBenchmark({ platform, dbs, brokers, clients: clientCount = 1000, concurrency = 40, log }) {
  await enrolAgencies(platform, AGENCIES);
  const extra = await platform.startExtraReferralInstances();
  const instances = ['referral', ...extra];
  try {
    const agencyIds = AGENCIES.map((a) => a.id);
    // a walk-in claim needs the client's consent to that agency's coordinating their case
    log(`registering ${clientCount * 2} clients consenting to each ${DOMAIN} agency's coordinating their case (half for the storm, half for the uncontended baseline)`);
    const consents = () => agencyIds.map((agencyId) => ({ agencyId, purpose: 'case-coordination' }));
    const all = await registerClients(platform, { count: clientCount * 2, at: ['bench-from-0', 'bench-from-1'], consent: consents, tag: 'storm' });
    await waitForConsents(dbs.referral, all, 180_000, agencyIds.length);
    await waitForQuiet(brokers, { log });
    const stormClients = all.slice(0, clientCount);
    const baselineClients = all.slice(clientCount);

    // uncontended: each client claimed once, by one of the agencies, the same number in flight
    const baseline = await claimRun(platform, instances, baselineClients.map((c) => c), ['bench-health-0'], concurrency * agencyIds.length);
    const baselineGranted = baseline.perClient.flat().filter((r) => r.status === 200).length;
    const storm = await claimRun(platform, instances, stormClients, agencyIds, concurrency);
    const answers = storm.perClient.flat();
    const granted = answers.filter((r) => r.status === 200).length;
    const refusedUa4 = answers.filter((r) => r.status === 409 && r.code === 'UA-4').length;
    const other = answers.filter((r) => !(r.status === 200 || (r.status === 409 && r.code === 'UA-4')));
    const doubleGrantsHttp = storm.perClient.filter((rs) => rs.filter((r) => r.status === 200).length !== 1).length;
    const { rows } = await dbs.referral.query(
      `SELECT client_id, count(*)::int AS n FROM claim WHERE client_id = ANY($1) AND domain = $2 AND released_at IS NULL GROUP BY client_id`,
      [stormClients, DOMAIN],
    );
    const holdersInDb = rows.filter((r) => r.n === 1).length;
    const doubleGrantsDb = rows.filter((r) => r.n > 1).length;
    const decisionsRecorded = (await dbs.referral.query(`SELECT count(*)::int AS n FROM decision WHERE client_id = ANY($1) AND command = 'claim'`, [stormClients])).rows[0].n;
    const onTopic = await grantedOnTopic(brokers, stormClients);
    const doubleGrantsTopic = [...onTopic.values()].filter((n) => n > 1).length;
    const result = {
      instances: instances.length,
      clients: clientCount,
      agenciesPerClient: agencyIds.length,
      decisions: storm.decisions,
      seconds: round(storm.seconds, 2),
      decisionsPerSecond: round(storm.decisions / storm.seconds, 1),
      granted,
      refusedUA4: refusedUa4,
      otherAnswers: other.length,
      otherExamples: other.slice(0, 3),
      decisionsRecorded,
      clientsWithOneHolderInDatabase: holdersInDb,
      doubleGrants: { http: doubleGrantsHttp, database: doubleGrantsDb, topic: doubleGrantsTopic },
      clientsWithClaimGrantedOnTopic: onTopic.size,
      baseline: { decisions: baseline.decisions, seconds: round(baseline.seconds, 2), decisionsPerSecond: round(baseline.decisions / baseline.seconds, 1), granted: baselineGranted },
    };
    log(
      `storm: ${result.decisions} claims in ${result.seconds} s (${result.decisionsPerSecond}/s) on ${instances.length} instances; ` +
        `${granted} granted, ${refusedUa4} refused UA-4, double grants http/db/topic ${doubleGrantsHttp}/${doubleGrantsDb}/${doubleGrantsTopic}; uncontended ${result.baseline.decisionsPerSecond}/s`,
    );
    return result;
  } finally {
    for (const name of extra) await platform.stop(name);
  }
}
