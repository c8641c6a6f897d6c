import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_CONTRACTS, findContract, latestVersion, parseEvent } from './registry';
import { validatePlain } from './validation';

/*
 * The producers' side of the consumer contracts: every example a consumer group is promised
 * (examples/<consumer group>/<EventType>.v<N>[.<case>].json) must still be an event the contracts
 * accept, strictly, as a producer would publish it. A contract changed without its examples fails
 * here; the consumers' integration specs replay the same files through their inbox.
 */

const EXAMPLES = join(__dirname, '..', 'examples');
const FILE_NAME = /^([A-Z][A-Za-z]+)\.v(\d+)(?:\.([a-z0-9-]+))?\.json$/;

const groups = readdirSync(EXAMPLES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const examples = groups.flatMap((group) =>
  readdirSync(join(EXAMPLES, group))
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ group, file, raw: JSON.parse(readFileSync(join(EXAMPLES, group, file), 'utf8')) as Record<string, unknown> })),
);
const cases = examples.map((e) => [`${e.group}/${e.file}`, e] as const);

describe('the consumer contract examples', () => {
  it('has examples for each consumer group', () => {
    expect(groups.sort()).toEqual(['agency-directory.agreements', 'client-journey.agencies', 'client-journey.timeline', 'referral.read-models', 'reporting.projections']);
    for (const group of groups) expect(examples.filter((e) => e.group === group).length).toBeGreaterThan(0);
  });

  it.each(cases)('%s is named by its type and version, and that version is a contract', (_name, { file, raw }) => {
    const match = FILE_NAME.exec(file);
    expect(match).not.toBeNull();
    expect({ type: raw.type, schemaVersion: raw.schemaVersion }).toEqual({ type: match?.[1], schemaVersion: Number(match?.[2]) });
    expect(EVENT_CONTRACTS.some((c) => c.type === raw.type && c.schemaVersion === raw.schemaVersion)).toBe(true);
  });

  it.each(cases)('%s is a valid event in strict mode, and still one once upcast to the latest version', (_name, { raw }) => {
    const parsed = parseEvent(raw, { strict: true });
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    if (!parsed.ok) return;
    // parsing brings a superseded version to the latest
    const latest = parsed.value;
    expect(latest.schemaVersion).toBe(latestVersion(latest.type));
    const contract = findContract(latest.type, latest.schemaVersion);
    const data = contract ? validatePlain(contract.data, latest.data, { strict: true }) : { ok: false, errors: ['no contract'] };
    expect(data.ok ? [] : data.errors).toEqual([]);
  });

  it('covers the superseded ReferralRequested v1, so the upcast path is replayed too', () => {
    expect(examples.filter((e) => e.raw.type === 'ReferralRequested' && e.raw.schemaVersion === 1).map((e) => e.group).sort()).toEqual(['client-journey.timeline', 'reporting.projections']);
  });

  it('tells one story: an event given to several consumers is the same event everywhere, and no event id is reused', () => {
    const byId = new Map<string, string>();
    for (const { group, file, raw } of examples) {
      const text = JSON.stringify(raw);
      const seen = byId.get(String(raw.eventId));
      if (seen !== undefined) expect({ file: `${group}/${file}`, event: text }).toEqual({ file: `${group}/${file}`, event: seen });
      else byId.set(String(raw.eventId), text);
    }
    for (const group of groups) {
      const ids = examples.filter((e) => e.group === group).map((e) => e.raw.eventId);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });
});
