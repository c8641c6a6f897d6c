import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agreement, parseAgreement } from '../agreement';
import { ClientState, DirectoryView, ReferralFacts } from '../decide';

/** Version 1 as shipped, read from the repository: the specs test the real document. */
export function agreementV1(): Agreement {
  const parsed = parseAgreement(readFileSync(join(__dirname, '..', '..', 'agreements', 'umbrella-agreement.v1.yaml'), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.agreement;
}

export function withRules(a: Agreement, rules: Partial<Agreement['rules']>): Agreement {
  return { ...a, rules: { ...a.rules, ...rules } };
}

export const NOW = new Date('2026-11-24T10:00:00Z'); // a Tuesday

export function directory(signatories: string[] = ['a', 'b', 'c', 'd']): DirectoryView {
  return {
    isSignatory: (agencyId) => signatories.includes(agencyId),
    agencyName: (agencyId) => `Agency ${agencyId.toUpperCase()}`,
  };
}

export function client(overrides: Partial<ClientState> = {}): ClientState {
  return {
    clientId: 'c-1',
    leadAgencyId: 'a',
    claims: [],
    referrals: [],
    consents: [{ agencyIds: ['a', 'b', 'c', 'd'], domains: [] }],
    creditedOutcomes: [],
    ...overrides,
  };
}

export function referral(overrides: Partial<ReferralFacts> = {}): ReferralFacts {
  return {
    id: 'r-1',
    clientId: 'c-1',
    fromAgencyId: 'a',
    toAgencyId: 'b',
    domain: 'health',
    status: 'requested',
    requestedAt: new Date('2026-11-20T10:00:00Z'),
    respondBy: new Date('2026-11-24T10:00:00Z'),
    handsOverLead: false,
    ...overrides,
  };
}
