// After the faults: waits (bounded) until the platform is quiet, then checks what the clients
// were told against what the databases hold and what an independent reader finds on the topics.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { consumerLag } from '../lib/kafka-lag.mjs';
import { databaseOf, harnessPool, probeReady, SERVICE_PORTS, SERVICES, sleep } from './platform.mjs';
import { STEPS } from './load.mjs';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

const TOPICS = { referrals: 'umbrella.referrals.v1', clients: 'umbrella.clients.v1', deadLetters: 'umbrella.dead-letters.v1' };
const STEP_EVENT = { accept: 'ReferralAccepted', start: 'ReferralStarted', complete: 'ReferralCompleted' };
const STEP_STATUS = { accept: 'accepted', start: 'in-progress', complete: 'completed' };
const STATUS_RANK = { requested: 0, accepted: 1, 'in-progress': 2, completed: 3 };
const LIFECYCLE = ['ReferralRequested', ...STEPS.map((s) => STEP_EVENT[s])];

/** Failure categories, each of which fails the run. */
export const CATEGORIES = {
  crash: 'a process exited without being killed',
  lost: 'work answered 2xx missing somewhere (database, topic, timeline, reporting)',
  duplicate: 'work present more than once',
  'committed-but-refused': 'the final answer was a 4xx, yet the work was committed',
  'committed-but-failed': 'the final answer was a 5xx error, yet the work was committed',
  'false-answer': 'an attempt was answered with an error although that very attempt committed (seen by its correlation id on the event)',
  'internal-error': 'an attempt answered 500 INTERNAL_ERROR (or another 5xx than 503)',
  'missing-audit': 'an attempt answered with a status below 500 has no audit row with its correlation id',
  'audit-mismatch': "an attempt's audit row does not say what the answer said (2xx not 'allowed', 4xx not 'refused')",
  order: "a client's events out of order on the topic or the timeline",
  'dead-letter': 'a dead letter (table row or message on the dead-letter topic)',
  'outbox-not-drained': 'an event still waiting in an outbox after quiescence',
  'not-quiet': 'the platform did not come back, or its consumers did not catch up, within the bounded wait',
};

export class Findings {
  constructor() {
    this.failures = [];
    this.notes = {};
  }

  fail(category, detail) {
    if (!CATEGORIES[category]) throw new Error(`unknown category ${category}`);
    this.failures.push({ category, ...detail });
  }

  note(name, n = 1) {
    this.notes[name] = (this.notes[name] ?? 0) + n;
  }

  counts() {
    return Object.fromEntries(Object.keys(CATEGORIES).map((c) => [c, this.failures.filter((f) => f.category === c).length]));
  }
}

/**
 * Quiet: every service ready, the broker answering, every outbox empty and every consumer group
 * at the end of its topics, three checks in a row a second apart. Bounded by `timeoutMs`.
 */
export async function waitForQuiescence({ brokers, pools, timeoutMs, log }) {
  const kafka = new Kafka({ clientId: 'chaos-quiescence', brokers: [brokers], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const started = Date.now();
  let calm = 0;
  let lastLog = 0;
  let last = {};
  while (Date.now() - started < timeoutMs) {
    const state = { notReady: [], waitingInOutboxes: null, consumerLag: null };
    for (const service of SERVICES) if (!(await probeReady(SERVICE_PORTS[service]))) state.notReady.push(service);
    try {
      let waiting = 0;
      for (const pool of Object.values(pools)) waiting += (await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL')).rows[0].n;
      state.waitingInOutboxes = waiting;
    } catch (error) {
      state.error = error.message;
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      state.consumerLag = await consumerLag(admin);
    } catch (error) {
      state.error = `broker: ${error.message}`;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    last = state;
    const quiet = state.notReady.length === 0 && state.waitingInOutboxes === 0 && state.consumerLag === 0;
    calm = quiet ? calm + 1 : 0;
    if (calm >= 3) return { quiet: true, seconds: (Date.now() - started) / 1000, state };
    if (!quiet && Date.now() - lastLog > 10_000) {
      log(`waiting for quiescence: not ready [${state.notReady.join(', ')}], ${state.waitingInOutboxes ?? '?'} events in outboxes, consumer lag ${state.consumerLag ?? '?'}${state.error ? ` (${state.error})` : ''}`);
      lastLog = Date.now();
    }
    await sleep(1000);
  }
  return { quiet: false, seconds: (Date.now() - started) / 1000, state: last };
}

/**
 * Reads the topics from the beginning with a throw-away group, as kcat would, up to the end
 * offsets taken first. Bounded by `timeoutMs`.
 */
export async function readTopics(brokers, timeoutMs = 120_000) {
  const kafka = new Kafka({ clientId: 'chaos-verify', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(); // `${topic}/${partition}` -> high watermark
  let topics;
  try {
    // every topic of the platform, whichever service provisioned it (not Kafka's internal ones)
    topics = (await admin.listTopics()).filter((t) => !t.startsWith('__'));
    for (const topic of topics) for (const p of await admin.fetchTopicOffsets(topic)) if (Number(p.high) > Number(p.low)) ends.set(`${topic}/${p.partition}`, Number(p.high));
  } finally {
    await admin.disconnect();
  }
  const messages = [];
  if (ends.size === 0) return { messages, topics, complete: true };
  const consumer = kafka.consumer({ groupId: `chaos-verify-${randomUUID()}`, maxBytes: 50 * 1024 * 1024 });
  await consumer.connect();
  const remaining = new Set(ends.keys());
  let resolveDone;
  const done = new Promise((resolve) => (resolveDone = resolve));
  try {
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        messages.push({
          topic,
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, v?.toString() ?? ''])),
        });
        const tp = `${topic}/${partition}`;
        if (remaining.has(tp) && Number(message.offset) >= ends.get(tp) - 1) {
          remaining.delete(tp);
          if (remaining.size === 0) resolveDone();
        }
      },
    });
    let timer;
    await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  } finally {
    await consumer.disconnect();
  }
  return { messages, topics, complete: remaining.size === 0 };
}

const commandOf = (correlationId) => (typeof correlationId === 'string' && correlationId.includes('.') ? correlationId.slice(0, correlationId.lastIndexOf('.')) : null);
const isDefiniteError = (a) => a.status >= 400 && !(a.status === 503 && /UNKNOWN|INDETERMINATE/i.test(a.code ?? ''));

/** Reads everything the checks need from the four databases. */
async function readDatabases(pools) {
  const q = async (service, sql, params = []) => (await pools[service].query(sql, params)).rows;
  const db = {};
  db.referrals = await q('referral', 'SELECT id::text, client_id, domain, status FROM referral');
  db.decisions = await q('referral', 'SELECT id::text FROM decision');
  db.referralConsents = await q('referral', 'SELECT client_id, agency_id FROM client_consent WHERE active');
  db.clients = await q('client-journey', 'SELECT client_id FROM client');
  db.consents = await q('client-journey', `SELECT client_id, agency_id FROM consent WHERE purpose = 'referral' AND withdrawn_at IS NULL`);
  db.journey = await q('client-journey', `SELECT seq::bigint AS seq, event_id::text, client_id, event_type, details->>'referralId' AS referral_id, details->>'agencyId' AS agency_id FROM journey_entry ORDER BY seq`);
  db.referralFacts = await q('reporting', 'SELECT referral_id::text, status FROM referral_fact');
  db.clientDims = await q('reporting', 'SELECT client_id FROM client_dim');
  db.decisionFacts = await q('reporting', 'SELECT decision_id::text FROM decision_fact');
  db.audit = {};
  db.deadLetters = {};
  db.outbox = {};
  for (const service of SERVICES) {
    db.audit[service] = await q(service, 'SELECT correlation_id, outcome, status FROM audit_log WHERE correlation_id IS NOT NULL');
    db.deadLetters[service] = await q(service, 'SELECT consumer, topic, event_type, reason FROM dead_letter');
    db.outbox[service] = await q(service, `SELECT event_id::text, topic, event_type, envelope->>'correlationId' AS correlation_id, envelope->'data' AS data, published_at IS NOT NULL AS published FROM outbox`);
  }
  return db;
}

const countBy = (items, keyOf) => {
  const m = new Map();
  for (const item of items) {
    const k = keyOf(item);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
};

/** Every check of the run; fills `findings` and returns figures for the summary. */
export async function verify({ pgUrl, brokers, commands, platform, findings }) {
  const pools = Object.fromEntries(SERVICES.map((s) => [s, harnessPool(pgUrl, databaseOf(s))]));
  try {
    const db = await readDatabases(pools);
    const read = await readTopics(brokers);
    if (!read.complete) findings.fail('not-quiet', { where: 'topics', detail: 'the independent reader did not reach the end offsets in time' });

    // ---- the topics, as an independent reader sees them
    const events = new Map(); // eventId -> { envelope, topic, partition, offset (first copy), copies }
    const deadLetterMessages = [];
    for (const m of read.messages) {
      if (m.topic === TOPICS.deadLetters) {
        deadLetterMessages.push(m);
        continue;
      }
      let envelope;
      try {
        envelope = JSON.parse(m.value);
      } catch {
        findings.fail('lost', { where: `topic ${m.topic}`, detail: `message at ${m.partition}/${m.offset} is not JSON` });
        continue;
      }
      if (typeof envelope?.eventId !== 'string') {
        findings.note(`messages without an event id on ${m.topic}`);
        continue;
      }
      const seen = events.get(envelope.eventId);
      // a partition is read in offset order, so the first copy seen is the one consumers applied
      if (seen) seen.copies += 1;
      else {
        events.set(envelope.eventId, { envelope, topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, copies: 1 });
      }
    }
    const republished = [...events.values()].reduce((sum, e) => sum + e.copies - 1, 0);
    const republishedByTopic = {};
    for (const e of events.values()) if (e.copies > 1) republishedByTopic[e.topic] = (republishedByTopic[e.topic] ?? 0) + e.copies - 1;
    findings.note('republished copies on the topics (same event id, absorbed by the inboxes)', republished);
    const eventsOfType = (type) => [...events.values()].filter((e) => e.envelope.type === type);
    const byReferral = new Map(); // referralId -> { type -> [event] }
    for (const e of [...events.values()].filter((x) => LIFECYCLE.includes(x.envelope.type))) {
      const id = e.envelope.data?.referralId;
      if (!byReferral.has(id)) byReferral.set(id, {});
      (byReferral.get(id)[e.envelope.type] ??= []).push(e);
    }
    const clientRegistered = new Map(); // clientId -> [event]
    for (const e of eventsOfType('ClientRegistered')) (clientRegistered.get(e.envelope.data.clientId) ?? clientRegistered.set(e.envelope.data.clientId, []).get(e.envelope.data.clientId)).push(e);
    const consentGiven = countBy(eventsOfType('ConsentGiven'), (e) => `${e.envelope.data.clientId} ${e.envelope.data.agencyId}`);

    // which command committed what: the correlation id on the event names the attempt (topic and outbox both)
    const committedBy = new Map(); // commandId -> Map(entityId -> correlationId)
    const addCommitted = (correlationId, entityId) => {
      const cmd = commandOf(correlationId);
      if (!cmd || !entityId) return;
      if (!committedBy.has(cmd)) committedBy.set(cmd, new Map());
      committedBy.get(cmd).set(entityId, correlationId);
    };
    for (const e of events.values()) {
      if (e.envelope.type === 'ClientRegistered') addCommitted(e.envelope.correlationId, e.envelope.data.clientId);
      if (e.envelope.type === 'ReferralRequested') addCommitted(e.envelope.correlationId, e.envelope.data.referralId);
    }
    for (const row of [...db.outbox['client-journey'], ...db.outbox.referral]) {
      if (row.event_type === 'ClientRegistered') addCommitted(row.correlation_id, row.data?.clientId);
      if (row.event_type === 'ReferralRequested') addCommitted(row.correlation_id, row.data?.referralId);
    }

    // ---- the databases
    const clients = new Set(db.clients.map((r) => r.client_id));
    const clientDims = new Set(db.clientDims.map((r) => r.client_id));
    const consents = countBy(db.consents, (r) => `${r.client_id} ${r.agency_id}`);
    const referralConsents = new Set(db.referralConsents.map((r) => `${r.client_id} ${r.agency_id}`));
    const referrals = new Map(db.referrals.map((r) => [r.id, r]));
    const referralsByClientDomain = new Map();
    for (const r of db.referrals) (referralsByClientDomain.get(`${r.client_id} ${r.domain}`) ?? referralsByClientDomain.set(`${r.client_id} ${r.domain}`, []).get(`${r.client_id} ${r.domain}`)).push(r);
    const facts = new Map(db.referralFacts.map((r) => [r.referral_id, r]));
    const journeyBy = countBy(db.journey, (r) => `${r.event_type} ${r.referral_id ?? r.client_id}${r.event_type === 'ConsentGiven' ? ` ${r.agency_id}` : ''}`);
    const journeyEventIds = new Set(db.journey.map((r) => r.event_id));

    const reported = new Set(); // event ids already checked on the timeline by a command check
    const checkedReferrals = new Set(); // referrals whose request, topic and reporting a command check covered
    const lost = (cmd, where, detail) => findings.fail('lost', { command: cmd.id, kind: cmd.kind, where, detail });
    const committedAnswer = (cmd, where) => {
      const category = cmd.final.status >= 500 ? 'committed-but-failed' : 'committed-but-refused';
      findings.fail(category, { command: cmd.id, kind: cmd.kind, answer: `${cmd.final.status} ${cmd.final.code ?? ''}`.trim(), where, attempts: cmd.attempts.map((a) => `${a.status || a.error} ${a.code ?? ''}`.trim()) });
    };
    const falseAttempts = (cmd, correlationIds) => {
      for (const a of cmd.attempts) {
        if (correlationIds.includes(a.correlationId) && isDefiniteError(a)) findings.fail('false-answer', { command: cmd.id, kind: cmd.kind, attempt: a.attempt, answer: `${a.status} ${a.code ?? ''}`.trim() });
      }
    };
    const outcomes = {};

    for (const cmd of commands) {
      const definite = cmd.outcome === 'refused' || cmd.outcome === 'failed';
      const committed = committedBy.get(cmd.id) ?? new Map();
      if (cmd.kind === 'register-client') {
        if (committed.size > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: 'clients', detail: `${committed.size} clients registered: ${[...committed.keys()].join(', ')}` });
        falseAttempts(cmd, [...committed.values()]);
        if (cmd.outcome === 'ok') {
          const id = cmd.final.id;
          if (!clients.has(id)) lost(cmd, 'client-journey client table', id);
          const evs = clientRegistered.get(id) ?? [];
          if (evs.length === 0) lost(cmd, `topic ${TOPICS.clients}`, `ClientRegistered of ${id}`);
          if (evs.length > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: `topic ${TOPICS.clients}`, detail: `${evs.length} ClientRegistered events for ${id}` });
          const onTimeline = journeyBy.get(`ClientRegistered ${id}`) ?? 0;
          if (onTimeline === 0) lost(cmd, 'journey timeline', `ClientRegistered of ${id}`);
          for (const e of evs) reported.add(e.envelope.eventId);
          if (!clientDims.has(id)) lost(cmd, 'reporting client_dim', id);
        } else if (definite && committed.size > 0) committedAnswer(cmd, `client ${[...committed.keys()].join(', ')}`);
        else if (cmd.outcome === 'unknown') findings.note(`unknown outcome: ${cmd.kind} (${committed.size > 0 ? 'committed' : 'not committed'})`);
      } else if (cmd.kind === 'give-consent') {
        const key = `${cmd.subject.clientId} ${cmd.subject.agencyId}`;
        const rows = consents.get(key) ?? 0;
        const evs = consentGiven.get(key) ?? 0;
        if (cmd.outcome === 'ok') {
          if (rows === 0) lost(cmd, 'client-journey consent table', key);
          if (evs === 0) lost(cmd, `topic ${TOPICS.clients}`, `ConsentGiven ${key}`);
          if (evs > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: `topic ${TOPICS.clients}`, detail: `${evs} ConsentGiven events for ${key}` });
          if ((journeyBy.get(`ConsentGiven ${key}`) ?? 0) === 0) lost(cmd, 'journey timeline', `ConsentGiven ${key}`);
          if (!referralConsents.has(key)) lost(cmd, "referral service's consent read model", key);
        } else if (definite && (rows > 0 || evs > 0)) committedAnswer(cmd, `consent ${key}`);
        else if (cmd.outcome === 'unknown') findings.note(`unknown outcome: ${cmd.kind} (${rows > 0 ? 'committed' : 'not committed'})`);
      } else if (cmd.kind === 'request-referral') {
        const rows = referralsByClientDomain.get(`${cmd.subject.clientId} ${cmd.subject.domain}`) ?? [];
        if (rows.length > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: 'referral table', detail: `${rows.length} referrals for ${cmd.subject.clientId} in ${cmd.subject.domain}` });
        if (committed.size > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: 'ReferralRequested events', detail: `${committed.size} referrals requested: ${[...committed.keys()].join(', ')}` });
        falseAttempts(cmd, [...committed.values()]);
        if (cmd.outcome === 'ok') {
          const id = cmd.final.id;
          if (!referrals.has(id)) lost(cmd, 'referral table', id);
          const evs = byReferral.get(id)?.ReferralRequested ?? [];
          if (evs.length === 0) lost(cmd, `topic ${TOPICS.referrals}`, `ReferralRequested ${id}`);
          if (evs.length > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: `topic ${TOPICS.referrals}`, detail: `${evs.length} ReferralRequested events for ${id}` });
          if ((journeyBy.get(`ReferralRequested ${id}`) ?? 0) === 0) lost(cmd, 'journey timeline', `ReferralRequested ${id}`);
          for (const e of evs) reported.add(e.envelope.eventId);
          checkedReferrals.add(id);
          if (!facts.has(id)) lost(cmd, 'reporting referral_fact', id);
        } else if (definite && (rows.length > 0 || committed.size > 0)) committedAnswer(cmd, `referral ${[...new Set([...rows.map((r) => r.id), ...committed.keys()])].join(', ')}`);
        else if (cmd.outcome === 'unknown') findings.note(`unknown outcome: ${cmd.kind} (${rows.length > 0 ? 'committed' : 'not committed'})`);
      } else {
        const { referralId, step } = cmd.subject;
        const type = STEP_EVENT[step];
        const evs = byReferral.get(referralId)?.[type] ?? [];
        const row = referrals.get(referralId);
        const reached = row ? (STATUS_RANK[row.status] ?? -1) >= STATUS_RANK[STEP_STATUS[step]] : false;
        if (cmd.outcome === 'ok') {
          if (!reached) lost(cmd, 'referral table', `${referralId} is ${row?.status ?? 'missing'}, answered ${step}`);
          if (evs.length === 0) lost(cmd, `topic ${TOPICS.referrals}`, `${type} ${referralId}`);
          if (evs.length > 1) findings.fail('duplicate', { command: cmd.id, kind: cmd.kind, where: `topic ${TOPICS.referrals}`, detail: `${evs.length} ${type} events for ${referralId}` });
          if ((journeyBy.get(`${type} ${referralId}`) ?? 0) === 0) lost(cmd, 'journey timeline', `${type} ${referralId}`);
          for (const e of evs) reported.add(e.envelope.eventId);
          const fact = facts.get(referralId);
          if (!fact || (STATUS_RANK[fact.status] ?? -1) < STATUS_RANK[STEP_STATUS[step]]) lost(cmd, 'reporting referral_fact', `${referralId} is ${fact?.status ?? 'missing'} in reporting, answered ${step}`);
        } else if (definite && (reached || evs.length > 0)) committedAnswer(cmd, `${referralId} ${row?.status}`);
        else if (cmd.outcome === 'unknown') findings.note(`unknown outcome: ${cmd.kind} (${reached ? 'committed' : 'not committed'})`);
      }
      const o = (outcomes[cmd.kind] ??= {});
      const label = cmd.final.status === 0 ? 'no answer' : `${cmd.final.status}${cmd.final.code ? ` ${cmd.final.code}` : ''}`;
      o[label] = (o[label] ?? 0) + 1;
    }

    // ---- every referral: status, events, timeline and reporting agree; its events in order
    // (what a command check already reported is not counted twice)
    const reportedFor = new Set(findings.failures.map((f) => `${f.where} ${f.detail ?? ''}`));
    const already = (where, id) => [...reportedFor].some((k) => k.startsWith(where) && k.includes(id));
    for (const r of db.referrals) {
      const types = byReferral.get(r.id) ?? {};
      const requested = (types.ReferralRequested ?? []).length;
      if (!checkedReferrals.has(r.id) && requested !== 1) findings.fail(requested === 0 ? 'lost' : 'duplicate', { where: `topic ${TOPICS.referrals}`, detail: `referral ${r.id} has ${requested} ReferralRequested events` });
      const transitions = STEPS.filter((s) => (types[STEP_EVENT[s]] ?? []).length > 0).length;
      if ((STATUS_RANK[r.status] ?? -1) !== transitions && !already(`topic ${TOPICS.referrals}`, r.id)) {
        findings.fail('lost', { where: `topic ${TOPICS.referrals}`, detail: `referral ${r.id} is ${r.status} but its topic has ${transitions} of its transitions` });
      }
      const fact = facts.get(r.id);
      if (!already('reporting referral_fact', r.id)) {
        if (!fact) findings.fail('lost', { where: 'reporting referral_fact', detail: `referral ${r.id} (${r.status}) not in reporting` });
        else if (fact.status !== r.status) findings.fail('lost', { where: 'reporting referral_fact', detail: `referral ${r.id} is ${r.status}, reporting says ${fact.status}` });
      }
      const present = LIFECYCLE.map((t) => (types[t] ?? [])[0]).filter(Boolean);
      for (let i = 1; i < present.length; i += 1) {
        const [a, b] = [present[i - 1], present[i]];
        if (a.partition !== b.partition || a.offset > b.offset) findings.fail('order', { where: `topic ${TOPICS.referrals}`, detail: `referral ${r.id}: ${b.envelope.type} at ${b.partition}/${b.offset} before ${a.envelope.type} at ${a.partition}/${a.offset}` });
      }
    }
    for (const [id, types] of byReferral) if (!referrals.has(id)) findings.fail('lost', { where: 'referral table', detail: `referral ${id} has ${Object.keys(types).join(', ')} on the topic but no row` });
    // one partition per client: the key is the client id
    const partitionsOfKey = new Map();
    for (const e of events.values()) {
      if (e.topic !== TOPICS.referrals && e.topic !== TOPICS.clients) continue;
      const k = `${e.topic} ${e.key}`;
      (partitionsOfKey.get(k) ?? partitionsOfKey.set(k, new Set()).get(k)).add(e.partition);
    }
    for (const [k, parts] of partitionsOfKey) if (parts.size > 1) findings.fail('order', { where: k.split(' ')[0], detail: `key ${k.split(' ')[1]} on partitions ${[...parts].join(', ')}` });
    // on the clients topic, a client is registered before consent is recorded for them
    for (const e of eventsOfType('ConsentGiven')) {
      const reg = (clientRegistered.get(e.envelope.data.clientId) ?? [])[0];
      if (reg && (reg.partition !== e.partition || reg.offset > e.offset)) findings.fail('order', { where: `topic ${TOPICS.clients}`, detail: `ConsentGiven for ${e.envelope.data.clientId} before ClientRegistered` });
    }
    // the timeline keeps the order events arrived in (seq)
    const journeyRank = new Map();
    for (const row of db.journey) {
      if (!LIFECYCLE.includes(row.event_type)) continue;
      const rank = LIFECYCLE.indexOf(row.event_type);
      const prev = journeyRank.get(row.referral_id) ?? -1;
      if (rank < prev) findings.fail('order', { where: 'journey timeline', detail: `referral ${row.referral_id}: ${row.event_type} after ${LIFECYCLE[prev]}` });
      journeyRank.set(row.referral_id, Math.max(prev, rank));
    }

    // ---- the timeline holds every client-scoped event; reporting every decision
    for (const e of events.values()) {
      if (e.topic !== TOPICS.referrals && e.topic !== TOPICS.clients) continue;
      if (e.envelope.type === 'AgreementDecisionRecorded') continue;
      if (!journeyEventIds.has(e.envelope.eventId) && !reported.has(e.envelope.eventId)) findings.fail('lost', { where: 'journey timeline', detail: `${e.envelope.type} ${e.envelope.eventId} of ${e.key}` });
    }
    const decisionFacts = new Set(db.decisionFacts.map((r) => r.decision_id));
    for (const d of db.decisions) if (!decisionFacts.has(d.id)) findings.fail('lost', { where: 'reporting decision_fact', detail: `decision ${d.id}` });

    // ---- every outbox drained and every event it sent on its topic
    for (const service of SERVICES) {
      for (const row of db.outbox[service]) {
        if (!row.published) findings.fail('outbox-not-drained', { where: `${service} outbox`, detail: `${row.event_type} ${row.event_id}` });
        else if (!events.has(row.event_id) && row.topic !== TOPICS.deadLetters) findings.fail('lost', { where: `topic ${row.topic}`, detail: `${service} marked ${row.event_type} ${row.event_id} published, but it is not on the topic` });
      }
    }

    // ---- dead letters
    for (const service of SERVICES) for (const d of db.deadLetters[service]) findings.fail('dead-letter', { where: `${service} dead_letter`, detail: `${d.consumer} ${d.topic} ${d.event_type ?? ''}: ${d.reason}`.slice(0, 300) });
    for (const m of deadLetterMessages) findings.fail('dead-letter', { where: `topic ${TOPICS.deadLetters}`, detail: `${m.headers['dlq-original-topic'] ?? '?'} ${m.headers['dlq-reason'] ?? ''}`.slice(0, 300) });

    // ---- answers: 5xx other than 503, and the audit trail of every answered attempt
    const audit = Object.fromEntries(SERVICES.map((s) => [s, new Map()]));
    for (const s of SERVICES) for (const row of db.audit[s]) (audit[s].get(row.correlation_id) ?? audit[s].set(row.correlation_id, []).get(row.correlation_id)).push(row);
    let fiveHundredsWithoutAudit = 0;
    for (const cmd of commands) {
      for (const a of cmd.attempts) {
        if (a.status >= 500 && a.status !== 503) findings.fail('internal-error', { command: cmd.id, kind: cmd.kind, attempt: a.attempt, answer: `${a.status} ${a.code ?? ''}`.trim() });
        if (a.status === 0) continue;
        const rows = audit[cmd.service].get(a.correlationId) ?? [];
        if (a.status >= 500) {
          if (rows.length === 0) fiveHundredsWithoutAudit += 1;
          continue;
        }
        if (rows.length === 0) {
          findings.fail('missing-audit', { command: cmd.id, kind: cmd.kind, attempt: a.attempt, answer: `${a.status} ${a.code ?? ''}`.trim(), service: cmd.service });
          continue;
        }
        const expected = a.status < 400 ? 'allowed' : 'refused';
        if (!rows.some((r) => r.outcome === expected && r.status === a.status)) findings.fail('audit-mismatch', { command: cmd.id, kind: cmd.kind, attempt: a.attempt, answer: a.status, audit: rows.map((r) => `${r.outcome} ${r.status}`) });
        if (rows.length > 1) findings.note('attempts with more than one audit row', 1);
      }
    }
    findings.note('5xx answers without an audit row (not required: a request that fails may not reach the database)', fiveHundredsWithoutAudit);

    return {
      outcomes,
      topics: { read: read.topics, events: events.size, messages: read.messages.length, republishedCopies: republished, republishedByTopic, deadLetterMessages: deadLetterMessages.length },
      databases: { referrals: db.referrals.length, clients: db.clients.length, consents: db.consents.length, journeyEntries: db.journey.length, referralFacts: db.referralFacts.length, decisions: db.decisions.length },
      crashes: platform.crashes.length,
    };
  } finally {
    await Promise.all(Object.values(pools).map((p) => p.end().catch(() => undefined)));
  }
}
