import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { EVENT_CONTRACTS } from '../registry';
import { ALL_TOPICS } from '../topics';
import { checkCatalogue, generateCatalogue, messageId } from './asyncapi';

// the AsyncAPI 3.0.0 meta-schema as published by the AsyncAPI initiative (draft-07 JSON Schema)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const asyncapi3 = require('@asyncapi/specs/schemas/3.0.0-without-$id.json');

const committed = () => ({
  catalogue: JSON.parse(readFileSync(join(__dirname, '../../asyncapi.json'), 'utf8')),
  lock: JSON.parse(readFileSync(join(__dirname, '../../schema-lock.json'), 'utf8')) as Record<string, string>,
});

describe('the event catalogue', () => {
  const doc = generateCatalogue();

  it('is a valid AsyncAPI 3.0.0 document', () => {
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    const validate = ajv.compile(asyncapi3);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // and the meta-schema does bite: a channel without a string address is refused
    expect(validate({ ...doc, channels: { broken: { address: 42 } } })).toBe(false);
  });

  it('names every topic with its key, and every event type and version with its schema', () => {
    const channels = doc.channels as Record<string, { address: string; messages: Record<string, unknown> }>;
    expect(Object.values(channels).map((c) => c.address).sort()).toEqual(ALL_TOPICS.map((t) => t.name).sort());
    for (const c of EVENT_CONTRACTS) {
      const message = doc.components.messages[messageId(c)] as { payload: { properties: Record<string, unknown> }; bindings: { kafka: { key: { description: string } } } };
      expect(message.payload.properties.data).toEqual({ $ref: `#/components/schemas/${c.data.name}` });
      expect(message.payload.properties.schemaVersion).toEqual({ type: 'integer', const: c.schemaVersion });
      expect(message.bindings.kafka.key.description).toBe(`the ${c.topic.keyedBy} of the payload`);
      expect(doc.components.schemas[c.data.name]).toHaveProperty('properties');
    }
    // a v2 keeps the v1 fields it extends, and adds its own
    expect(Object.keys((doc.components.schemas.ReferralRequestedV2 as { properties: object }).properties)).toEqual(expect.arrayContaining(['referralId', 'requestedAt', 'respondBy', 'waitlisted']));
  });

  it('is committed up to date, and no published version has changed shape', () => {
    expect(checkCatalogue(committed())).toEqual([]);
  });

  it('fails the check when a published version changed shape, and asks for a new version with an upcaster', () => {
    const { catalogue, lock } = committed();
    expect(checkCatalogue({ catalogue, lock: { ...lock, 'ReferralRequested.v1': '0'.repeat(64) } })).toEqual([
      'ReferralRequested.v1 changed shape: a published version never changes. Restore it, and add the new shape as the next version with an upcaster.',
    ]);
    const { ['ClientErased.v1']: _gone, ...withoutOne } = lock;
    expect(checkCatalogue({ catalogue, lock: { ...withoutOne, 'ClientErased.v0': lock['ClientErased.v1'] } })).toEqual([
      'ClientErased.v0 was published and is gone: a published version stays in the contracts.',
      'ClientErased.v1 is not in the committed schema lock: run `npm run catalogue` and commit.',
    ]);
    expect(checkCatalogue({ catalogue: { ...catalogue, info: {} }, lock })).toEqual(['the committed catalogue is stale: run `npm run catalogue` and commit libs/contracts/asyncapi.json.']);
  });
});
