import { createHash } from 'node:crypto';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { ActorDto, EventEnvelopeDto } from '../envelope';
import { EVENT_CONTRACTS, EventContract } from '../registry';
import { ALL_TOPICS, TOPICS } from '../topics';

/*
 * The event catalogue: an AsyncAPI 3 document generated from the contracts (topics, keys, event
 * types, versions and the JSON schema of each payload, read from the class-validator decorators
 * that also validate the events). The committed copy (libs/contracts/asyncapi.json) and a lock of
 * each published version's schema hash are checked against a fresh generation in CI.
 */

type Schema = Record<string, unknown>;
export type AsyncApiDocument = Record<string, unknown> & { components: { schemas: Record<string, Schema>; messages: Record<string, Schema> } };

const REF = '#/components/schemas/';

export function messageId(c: Pick<EventContract, 'type' | 'schemaVersion'>): string {
  return `${c.type}.v${c.schemaVersion}`;
}

function channelId(topicName: string): string {
  return Object.entries(TOPICS).find(([, t]) => t.name === topicName)![0];
}

/** Schemas of every class-validated class loaded, keyed by class name; only the ones the catalogue reaches are kept. */
function allSchemas(): Record<string, Schema> {
  return validationMetadatasToSchemas({ refPointerPrefix: REF, classTransformerMetadataStorage: defaultMetadataStorage }) as Record<string, Schema>;
}

/** The class names a schema refers to, transitively. */
function reachable(roots: readonly string[], schemas: Record<string, Schema>): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !schemas[name]) return;
    seen.add(name);
    for (const m of JSON.stringify(schemas[name]).matchAll(/"#\/components\/schemas\/([A-Za-z0-9_]+)"/g)) visit(m[1]);
  };
  roots.forEach(visit);
  return [...seen].sort();
}

/** Sorts object keys recursively, so the document and the hashes do not depend on declaration order in memory. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** A payload schema with every reference inlined: what a version's shape is, for the lock. */
function inline(schema: unknown, schemas: Record<string, Schema>): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, schemas));
  if (schema !== null && typeof schema === 'object') {
    const ref = (schema as { $ref?: string }).$ref;
    if (ref?.startsWith(REF)) return inline(schemas[ref.slice(REF.length)], schemas);
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, schemas)]));
  }
  return schema;
}

export function generateCatalogue(): AsyncApiDocument {
  const schemas = allSchemas();
  const dataNames = EVENT_CONTRACTS.map((c) => c.data.name);
  const kept = reachable([EventEnvelopeDto.name, ActorDto.name, ...dataNames], schemas);
  const envelope = schemas[EventEnvelopeDto.name] as { properties: Record<string, Schema>; required?: string[] };

  const messages: Record<string, Schema> = {};
  for (const c of EVENT_CONTRACTS) {
    messages[messageId(c)] = {
      name: c.type,
      title: `${c.type} v${c.schemaVersion}`,
      summary: c.description,
      contentType: 'application/json',
      headers: {
        type: 'object',
        properties: {
          'event-type': { type: 'string', const: c.type },
          'schema-version': { type: 'string', const: String(c.schemaVersion) },
        },
      },
      payload: {
        type: 'object',
        description: 'The event envelope; `data` is the payload of this type and version.',
        properties: { ...envelope.properties, type: { type: 'string', const: c.type }, schemaVersion: { type: 'integer', const: c.schemaVersion }, data: { $ref: `${REF}${c.data.name}` } },
        required: envelope.required ?? [],
      },
      bindings: { kafka: { key: { type: 'string', description: `the ${c.topic.keyedBy} of the payload` }, bindingVersion: '0.5.0' } },
    };
  }

  const channels: Record<string, Schema> = {};
  const operations: Record<string, Schema> = {};
  for (const topic of ALL_TOPICS) {
    const id = channelId(topic.name);
    const onTopic = EVENT_CONTRACTS.filter((c) => c.topic.name === topic.name);
    channels[id] = {
      address: topic.name,
      description: `${topic.description} Key: ${topic.keyedBy}.`,
      messages: Object.fromEntries(onTopic.map((c) => [messageId(c), { $ref: `#/components/messages/${messageId(c)}` }])),
      bindings: { kafka: { topic: topic.name, partitions: topic.partitions, topicConfiguration: { 'retention.ms': topic.retentionMs }, bindingVersion: '0.5.0' } },
    };
    if (onTopic.length > 0) {
      operations[`consume-${id}`] = {
        action: 'receive',
        channel: { $ref: `#/channels/${id}` },
        summary: `Consumers (reporting among them) read ${topic.name} from the beginning; events of superseded versions are upcast to the latest.`,
        messages: onTopic.map((c) => ({ $ref: `#/channels/${id}/messages/${messageId(c)}` })),
      };
    }
  }

  return canonical({
    asyncapi: '3.0.0',
    info: {
      title: 'Umbrella events',
      version: '1.0.0',
      description: 'Every topic, key, event type, version and schema of the Umbrella platform. A published version never changes shape; a new shape is a new version with an upcaster. Events carry pseudonymous ids only, never personal data.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas: Object.fromEntries(kept.map((n) => [n, schemas[n]])), messages },
  }) as AsyncApiDocument;
}

/** The hash of each published version's payload shape (references inlined). */
export function schemaLock(doc: AsyncApiDocument = generateCatalogue()): Record<string, string> {
  const lock: Record<string, string> = {};
  for (const c of EVENT_CONTRACTS) {
    const shape = canonical(inline({ $ref: `${REF}${c.data.name}` }, doc.components.schemas));
    lock[messageId(c)] = createHash('sha256').update(JSON.stringify(shape)).digest('hex');
  }
  return canonical(lock) as Record<string, string>;
}

/**
 * Compares a fresh generation with the committed catalogue and lock. A version in the lock whose
 * shape changed, or that disappeared, is a breaking change; a version missing from the lock, or a
 * catalogue that differs, only means the committed files are stale.
 */
export function checkCatalogue(committed: { catalogue: unknown; lock: Record<string, string> }): string[] {
  const doc = generateCatalogue();
  const lock = schemaLock(doc);
  const problems: string[] = [];
  for (const [id, hash] of Object.entries(committed.lock)) {
    if (!(id in lock)) problems.push(`${id} was published and is gone: a published version stays in the contracts.`);
    else if (lock[id] !== hash) problems.push(`${id} changed shape: a published version never changes. Restore it, and add the new shape as the next version with an upcaster.`);
  }
  for (const id of Object.keys(lock)) if (!(id in committed.lock)) problems.push(`${id} is not in the committed schema lock: run \`npm run catalogue\` and commit.`);
  if (JSON.stringify(committed.catalogue) !== JSON.stringify(doc)) problems.push('the committed catalogue is stale: run `npm run catalogue` and commit libs/contracts/asyncapi.json.');
  return problems;
}
