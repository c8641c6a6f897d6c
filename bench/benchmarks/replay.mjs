// Replay: the reporting projection rebuilt (POST /reports/rebuild) from 1,000,000 events on its
// topics, against the raw rate at which a plain kafkajs consumer reads the same topics in the same
// run. The events are the ones the referral work publishes: clients registered, then referrals
// requested, decided, accepted and completed, keyed by client as the services key them.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { request } from '../lib/http.mjs';
import { tokenOf } from '../lib/partnership.mjs';
import { round, sleep } from '../lib/platform.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const { parseEvent } = require('@umbrella/contracts');

export const REPORTING_TOPICS = ['umbrella.referrals.v1', 'umbrella.agencies.v1', 'umbrella.clients.v1'];
const GROUP = 'reporting.projections';
const DOMAINS = ['training', 'confidence-and-motivation', 'employer-placement', 'employment-case-management', 'health', 'housing', 'addiction'];
const AGE_BANDS = ['16-17', '18-24', '25-34', '35-49', '50-64', '65-plus'];

function envelope(type, schemaVersion, producer, key, data, at, correlationId) {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    schemaVersion,
    occurredAt: at,
    producer,
    correlationId: correlationId ?? eventId,
    causationId: null,
    key,
    ...(producer === 'referral' ? { agreementVersion: '1' } : {}),
    actor: { userId: 'bench.caseworker', agencyId: data.fromAgencyId ?? data.registeredByAgencyId ?? 'bench-from-0', role: 'caseworker' },
    data,
  };
}

/** The events of one synthetic client (index c) or one referral (index r), in their order. */
function clientEvents(c, runTag) {
  const clientId = `bench-replay-${runTag}-${c}`;
  const at = new Date(Date.UTC(2026, 0, 1) + c * 1000).toISOString();
  const band = AGE_BANDS[c % AGE_BANDS.length];
  return [
    envelope('ClientRegistered', 1, 'client-journey', clientId, { clientId, ageBand: band, under25: band === '16-17' || band === '18-24', region: 'NB', registeredByAgencyId: `bench-from-${c % 5}`, registeredAt: at }, at),
  ];
}

function referralEvents(r, clients, runTag) {
  const c = r % clients;
  const clientId = `bench-replay-${runTag}-${c}`;
  const referralId = randomUUID();
  const from = `bench-from-${c % 5}`;
  const to = `bench-to-${(c + Math.floor(r / clients)) % 5}`;
  const domain = DOMAINS[Math.floor(r / clients) % DOMAINS.length];
  const t0 = Date.UTC(2026, 1, 1) + r * 1000;
  const iso = (ms) => new Date(t0 + ms).toISOString();
  const base = { referralId, clientId, fromAgencyId: from, toAgencyId: to, domain };
  const correlation = randomUUID();
  return [
    envelope('AgreementDecisionRecorded', 1, 'referral', clientId, {
      decisionId: randomUUID(), clientId, command: 'request-referral', outcome: 'allowed', rulesChecked: ['UA-1', 'UA-2', 'UA-5', 'UA-6', 'UA-9', 'UA-7', 'UA-8'],
      reason: 'Allowed under version 1 of the agreement.', agencyId: from, referralId, domain, decidedAt: iso(0),
    }, iso(0), correlation),
    envelope('ReferralRequested', 2, 'referral', clientId, { ...base, requestedAt: iso(0), respondBy: iso(5 * 86_400_000), waitlisted: false, handsOverLead: false }, iso(0), correlation),
    envelope('ReferralAccepted', 1, 'referral', clientId, { ...base, previousStatus: 'requested', status: 'accepted', byAgencyId: to, at: iso(3_600_000) }, iso(3_600_000), correlation),
    envelope('ReferralCompleted', 1, 'referral', clientId, { ...base, previousStatus: 'accepted', status: 'completed', byAgencyId: to, at: iso(30 * 86_400_000) }, iso(30 * 86_400_000), correlation),
  ];
}

async function endOffsets(admin) {
  const ends = new Map();
  for (const topic of REPORTING_TOPICS) {
    for (const p of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${p.partition}`, Number(p.high));
  }
  return ends;
}

const total = (ends) => [...ends.values()].reduce((s, n) => s + n, 0);

/** Produces the events; every type is checked against its contract first. */
async function produce(kafka, { events, log }) {
  const clients = Math.round(events / 20); // a client's registration for every twenty events
  const referrals = Math.floor((events - clients) / 4);
  const runTag = Date.now().toString(36);
  for (const sample of [...clientEvents(0, runTag), ...referralEvents(0, clients, runTag)]) {
    const checked = parseEvent(JSON.parse(JSON.stringify(sample)), { strict: true });
    if (!checked.ok) throw new Error(`a replay event breaks its contract: ${sample.type}: ${checked.errors.join('; ')}`);
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  let produced = 0;
  const send = async (topic, list) => {
    await producer.send({
      topic,
      acks: 1,
      messages: list.map((e) => ({ key: e.key, value: JSON.stringify(e), headers: { 'event-id': e.eventId, 'event-type': e.type } })),
    });
    produced += list.length;
  };
  for (let c = 0; c < clients; c += 5000) {
    await send('umbrella.clients.v1', Array.from({ length: Math.min(5000, clients - c) }, (_, i) => clientEvents(c + i, runTag)).flat());
  }
  const chunk = 1250; // referrals per batch: 5,000 messages
  const inFlight = [];
  for (let r = 0; r < referrals; r += chunk) {
    inFlight.push(send('umbrella.referrals.v1', Array.from({ length: Math.min(chunk, referrals - r) }, (_, i) => referralEvents(r + i, clients, runTag)).flat()));
    if (inFlight.length >= 4) await inFlight.shift();
  }
  await Promise.all(inFlight);
  await producer.disconnect();
  const seconds = (performance.now() - started) / 1000;
  log(`produced ${produced} events (${clients} clients, ${referrals} referrals × 4 events) in ${seconds.toFixed(1)} s`);
  return { produced, clients, referrals, seconds: round(seconds, 1) };
}

/** A plain consumer reading the topics from the beginning and doing nothing with the messages. */
async function rawConsume(kafka, ends) {
  const remaining = new Map([...ends.entries()].filter(([, high]) => high > 0));
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxBytes: 50 << 20, maxBytesPerPartition: 10 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: REPORTING_TOPICS, fromBeginning: true });
  const started = performance.now();
  // timed from its first fetch (the group joined): a small topic can arrive in one batch
  let first = null;
  consumer.on(consumer.events.FETCH_START, () => {
    first ??= performance.now();
  });
  let count = 0;
  await new Promise((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          count += batch.messages.length;
          const key = `${batch.topic}:${batch.partition}`;
          if (Number(batch.lastOffset()) + 1 >= (remaining.get(key) ?? Infinity)) remaining.delete(key);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  const finished = performance.now();
  await consumer.disconnect();
  return {
    messages: count,
    secondsIncludingStart: round((finished - started) / 1000, 2),
    seconds: round((finished - first) / 1000, 2),
    eventsPerSecond: Math.round(count / ((finished - first) / 1000)),
  };
}

async function committed(admin) {
  let sum = 0;
  for (const { partitions } of await admin.fetchOffsets({ groupId: GROUP, topics: REPORTING_TOPICS })) {
    for (const p of partitions) sum += Math.max(0, Number(p.offset));
  }
  return sum;
}

export async function runReplayBenchmark({ platform, brokers, events = 1_000_000, timeoutSeconds = 480, log }) {
  const kafka = new Kafka({ clientId: 'bench-replay', brokers: [brokers], logLevel: logLevel.NOTHING });
  // Reporting rebuilds alone: the other services would otherwise consume the same events meanwhile.
  for (const name of ['client-journey', 'referral', 'agency-directory', 'reporting']) await platform.stop(name);
  const production = await produce(kafka, { events, log });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await endOffsets(admin);
  const onTopics = total(ends);
  const raw = await rawConsume(kafka, ends);
  log(`raw consume: ${raw.messages} events in ${raw.seconds} s (${raw.eventsPerSecond}/s)`);

  platform.start('reporting', 'reporting', 23004);
  await platform.waitHealthy('reporting');
  const token = await tokenOf('operator');
  let rebuild;
  for (let attempt = 0; attempt < 60; attempt += 1) {
    rebuild = await request('POST', platform.url('reporting', '/reports/rebuild'), { token });
    if (rebuild.status < 300) break;
    await sleep(1000); // the restarted consumer may still be joining its group
  }
  if (rebuild.status >= 300) throw new Error(`POST /reports/rebuild: ${rebuild.status} ${JSON.stringify(rebuild.body)}`);
  // timed from the rebuild's answer, the consumer's rejoin included: offsets are committed once a
  // second, so the first progress seen would hide up to a second of work
  const started = performance.now();
  let done = 0;
  const deadline = started + timeoutSeconds * 1000;
  while (performance.now() < deadline) {
    done = await committed(admin);
    if (done >= onTopics) break;
    await sleep(250);
  }
  const finished = performance.now();
  await admin.disconnect();
  const complete = done >= onTopics;
  const seconds = (finished - started) / 1000;
  const result = {
    eventsOnTopics: onTopics,
    produced: production,
    rawConsume: raw,
    replay: {
      complete,
      eventsApplied: done,
      seconds: round(seconds, 2),
      eventsPerSecond: Math.round(done / seconds),
      ...(complete ? {} : { note: `stopped after ${timeoutSeconds} s with ${done} of ${onTopics} events applied; the rate is over what was applied` }),
    },
    target: 0.5,
  };
  log(`replay: ${done} of ${onTopics} events in ${round(seconds, 1)} s (${result.replay.eventsPerSecond}/s)`);
  return result;
}
