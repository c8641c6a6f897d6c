import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agreement, parseAgreement } from '../agreement';
import { ConsentPurpose, DomainOfSupport } from '@umbrella/contracts/vocabulary';
import { ClientState, ConsentFacts, DirectoryView, ReferralFacts } from '../decide';

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

/** Every agency offers a service in every domain unless `offered` says which (as `agency domain`). */
export function directory(signatories: string[] = ['a', 'b', 'c', 'd'], offered?: string[]): DirectoryView {
  return {
    isSignatory: (agencyId) => signatories.includes(agencyId),
    agencyName: (agencyId) => `Agency ${agencyId.toUpperCase()}`,
    offers: (agencyId, domain) => !offered || offered.includes(`${agencyId} ${domain}`),
  };
}

export function consent(agencyId: string | null, purpose: ConsentPurpose = 'referral', domain: DomainOfSupport | null = null): ConsentFacts {
  return { agencyId, domain, purpose };
}

export function client(overrides: Partial<ClientState> = {}): ClientState {
  return {
    clientId: 'c-1',
    leadAgencyId: 'a',
    claims: [],
    referrals: [],
    consents: ['a', 'b', 'c', 'd'].map((agency) => consent(agency)),
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
