// Same-run baselines: the PostgreSQL ceiling for the referral path's writes (pgbench) and the Kafka
// ceiling (Kafka's own producer and consumer performance tools, from the broker's jars).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import pg from 'pg';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');

/**
 * One transaction that writes what POST /referrals writes: the client's advisory lock, the five
 * reads of the client's state and the two of the directory, the decision, the referral and their
 * two outbox events (real envelopes taken from this run), then the audit row the request leaves.
 */
function referralScript(envelopes) {
  const literal = (json) => `convert_from(decode('${Buffer.from(json).toString('base64')}', 'base64'), 'UTF8')::jsonb`;
  const client = `('pgb-' || (:n)::text)`;
  return `\\set n random(1, 9000000000000000000)
BEGIN;
SELECT pg_advisory_xact_lock(hashtext('client' || chr(58) || 'pgb-' || (:n)::text));
SELECT agency_id FROM client_lead WHERE client_id = ${client};
SELECT agency_id, domain, referral_id FROM claim WHERE client_id = ${client} AND released_at IS NULL;
SELECT * FROM referral WHERE client_id = ${client} AND (status IN ('requested', 'accepted', 'in-progress', 'on-hold') OR requested_at >= now() - interval '30 days');
SELECT agency_id, domain FROM client_consent WHERE client_id = ${client} AND active;
SELECT outcome, milestone_id FROM credited_outcome WHERE client_id = ${client};
SELECT agency_id, name FROM known_agency WHERE agency_id = ANY(ARRAY['bench-from-0', 'bench-to-0']);
SELECT agency_id, agreement_version FROM agency_signature WHERE agency_id = ANY(ARRAY['bench-from-0', 'bench-to-0']) AND signed;
INSERT INTO decision (id, decided_at, client_id, command, outcome, code, rules_checked, reason, agreement_version, agency_id, user_id, referral_id, domain) VALUES (gen_random_uuid(), now(), ${client}, 'request-referral', 'allowed', NULL, ARRAY['UA-1','UA-2','UA-5','UA-6','UA-9','UA-7','UA-8'], 'Allowed under version 1 of the agreement.', '1', 'bench-from-0', 'bench.caseworker', NULL, 'training');
INSERT INTO outbox (event_id, topic, message_key, event_type, envelope) VALUES (gen_random_uuid(), 'umbrella.referrals.v1', ${client}, 'AgreementDecisionRecorded', ${literal(envelopes.decision)});
INSERT INTO referral (id, client_id, from_agency_id, to_agency_id, domain, service_id, status, requested_at, respond_by, waitlisted, hands_over_lead, agreement_version) VALUES (gen_random_uuid(), ${client}, 'bench-from-0', 'bench-to-0', 'training', NULL, 'requested', now(), now() + interval '5 days', false, false, '1');
INSERT INTO outbox (event_id, topic, message_key, event_type, envelope) VALUES (gen_random_uuid(), 'umbrella.referrals.v1', ${client}, 'ReferralRequested', ${literal(envelopes.referral)});
COMMIT;
INSERT INTO audit_log (at, user_id, agency_id, roles, method, action, record_id, outcome, status, reason, correlation_id) VALUES (now(), 'bench.caseworker', 'bench-from-0', ARRAY['caseworker'], 'POST', 'request-referral', NULL, 'allowed', 201, NULL, NULL);
`;
}

/** pgbench on a copy of the referral schema (never the service's own tables). */
export async function pgbenchCeiling({ pgUrl, sourceDb, envelopes, seconds = 15, clients = 10 }) {
  const target = 'umbrella_pgbench_bench';
  const admin = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${target}`);
  await admin.end();
  const { stdout: schema } = await run('pg_dump', ['--schema-only', '--no-owner', `${pgUrl}/${sourceDb}`], { maxBuffer: 64 << 20 });
  const copy = new pg.Client({ connectionString: `${pgUrl}/${target}` });
  await copy.connect();
  // psql's meta-commands (\restrict …) are not SQL, and the emptied search_path would hide the tables from pgbench
  const sql = schema.split('\n').filter((line) => !line.startsWith('\\') && !line.startsWith("SELECT pg_catalog.set_config('search_path'")).join('\n');
  await copy.query(sql);
  await copy.end();
  const dir = mkdtempSync(join(tmpdir(), 'umbrella-pgbench-'));
  const script = join(dir, 'referral.sql');
  writeFileSync(script, referralScript(envelopes));
  const { stdout } = await run('pgbench', ['-n', '-M', 'extended', '-f', script, '-c', String(clients), '-j', '2', '-T', String(seconds), `${pgUrl}/${target}`], {
    maxBuffer: 16 << 20,
  }).catch((error) => {
    throw new Error(`pgbench failed: ${error.stderr || error.message}`);
  });
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)?.[1]);
  const latency = Number(/latency average = ([\d.]+) ms/.exec(stdout)?.[1]);
  const drop = new pg.Client({ connectionString: `${pgUrl}/postgres` });
  await drop.connect();
  await drop.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
  await drop.end();
  if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { tool: 'pgbench', clients, seconds, transactionsPerSecond: Math.round(tps), averageLatencyMs: latency, script: 'bench/benchmarks/baselines.mjs (referralScript)' };
}

/** Kafka's ProducerPerformance and ConsumerPerformance on a topic shaped like the referrals topic. */
export async function kafkaCeiling({ brokers, classpath, records = 300_000, recordSize = 800, partitions = 6 }) {
  const topic = 'bench.kafka-ceiling';
  const kafka = new Kafka({ clientId: 'bench-admin', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const java = (cls, args) => run('java', ['-Xmx512m', '-cp', classpath, cls, ...args], { maxBuffer: 16 << 20 });
  const produced = await java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${brokers}`, 'acks=all',
  ]);
  const last = produced.stdout.trim().split('\n').pop();
  const producerRate = Number(/([\d.]+) records\/sec/.exec(last)?.[1]);
  const producerP99 = Number(/([\d.]+) ms 99th/.exec(last)?.[1]);
  const consumed = await java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server', brokers, '--topic', topic, '--messages', String(records), '--timeout', '60000',
  ]);
  const lines = consumed.stdout.trim().split('\n');
  const header = lines.findIndex((l) => l.includes('nMsg.sec'));
  const cols = lines[header].split(',').map((s) => s.trim());
  const values = lines[header + 1].split(',').map((s) => s.trim());
  const consumerRate = Number(values[cols.indexOf('nMsg.sec')]);
  if (!Number.isFinite(producerRate) || !Number.isFinite(consumerRate)) throw new Error(`Kafka's tools printed no rate:\n${produced.stdout}\n${consumed.stdout}`);
  return { tool: 'kafka ProducerPerformance / ConsumerPerformance 3.9.1', records, recordSizeBytes: recordSize, partitions, producerRecordsPerSecond: Math.round(producerRate), producerP99Ms: producerP99, consumerRecordsPerSecond: Math.round(consumerRate) };
}
