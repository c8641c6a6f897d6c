import { agreementDocument, parseAgreement } from './agreement';
import { agreementV1 } from './test/fixtures';

describe('the agreement document', () => {
  it('reads version 1 as shipped, with every rule parameter', () => {
    const a = agreementV1();
    expect(a).toMatchObject({ id: 'northbridge-umbrella-agreement', version: '1', effectiveFrom: '2026-01-01' });
    expect(a.domains.health.exclusive).toBe(true);
    expect(a.domains.training.exclusive).toBe(false);
    expect(a.rules).toEqual({
      requireSignature: true,
      requireConsent: true,
      handBackWindowDays: 90,
      whenNoCapacity: 'waitlist',
      responseWindow: 2,
      businessDays: true,
      attribution: 'lead-at-time',
    });
  });

  it('round-trips through its document form, and accepts JSON as well as YAML', () => {
    const a = agreementV1();
    expect(parseAgreement(JSON.stringify(agreementDocument(a)))).toEqual({ ok: true, agreement: a });
  });

  it('lists every problem of a broken document at once', () => {
    const result = parseAgreement(`
id: Not A Slug
version: 2
effectiveFrom: 2026-13-45
domains:
  health: { exclusive: maybe }
  astrology: { exclusive: true }
rules:
  UA-6: { handBackWindowDays: -1 }
  UA-7: { whenNoCapacity: shrug }
  UA-8: { responseWindow: 0, businessDays: sometimes }
  UA-10: { attribution: whoever }
  UA-11: {}
colour: blue
`);
    expect(result.ok).toBe(false);
    const problems = (result as { problems: string[] }).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        'id: must be a slug of lowercase letters, digits and dashes',
        'version: must be a version such as "1" or "2.1" (quote it in YAML)',
        'effectiveFrom: not a real date',
        'domains.astrology: not a domain of support',
        'domains.health: must be { exclusive: true } or { exclusive: false }',
        'domains.training: must be { exclusive: true } or { exclusive: false }',
        'rules.UA-11: not a rule of the agreement (UA-1…UA-10)',
        'rules.UA-6.handBackWindowDays: must be a whole number of days from 0 to 3650',
        'rules.UA-7.whenNoCapacity: must be one of refuse, waitlist',
        'rules.UA-8.responseWindow: must be a whole number of days from 1 to 60',
        'rules.UA-8.businessDays: must be true or false',
        'rules.UA-10.attribution: must be one of lead-at-time, receiving-agency',
        'colour: not a field of an agreement',
      ]),
    );
  });

  it('refuses text that is not YAML, and documents that are not mappings', () => {
    expect(parseAgreement('id: [unclosed')).toMatchObject({ ok: false, problems: [expect.stringMatching(/^document: not valid YAML or JSON/)] });
    expect(parseAgreement('- a list')).toEqual({ ok: false, problems: ['document: must be a mapping with id, version, effectiveFrom, domains and rules'] });
    expect(parseAgreement(42)).toMatchObject({ ok: false });
  });

  it('uses the catalogue defaults for rules the document leaves out', () => {
    const doc = agreementDocument(agreementV1()) as { rules: Record<string, unknown> };
    doc.rules = {};
    const result = parseAgreement(doc);
    expect(result.ok && result.agreement.rules).toEqual(agreementV1().rules);
  });
});
