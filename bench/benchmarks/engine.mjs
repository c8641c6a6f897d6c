// The agreement engine in-process: decisions per second over a realistic mix of commands, each on a
// client state of the size the referral service loads (a lead, claims, several referrals, consents).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const engine = require('@umbrella/agreement');

const DOMAINS = ['employment-case-management', 'health', 'housing', 'addiction', 'training', 'confidence-and-motivation', 'employer-placement'];

function fixtures(count) {
  const agencies = Array.from({ length: 20 }, (_, i) => `agency-${i}`);
  const signed = new Set(agencies.slice(0, 18));
  const directory = { isSignatory: (id) => signed.has(id), agencyName: (id) => `Agency ${id}` };
  const now = new Date('2026-11-24T10:00:00Z');
  const states = [];
  for (let c = 0; c < count; c += 1) {
    const clientId = `c-${c}`;
    const from = agencies[c % 18];
    const referrals = Array.from({ length: c % 5 }, (_, r) => ({
      id: `r-${c}-${r}`,
      clientId,
      fromAgencyId: from,
      toAgencyId: agencies[(c + r + 1) % 20],
      domain: DOMAINS[(c + r) % DOMAINS.length],
      status: ['requested', 'accepted', 'in-progress', 'completed'][r % 4],
      requestedAt: new Date(now.getTime() - r * 86_400_000),
      respondBy: new Date(now.getTime() + 5 * 86_400_000),
      handsOverLead: r === 0,
    }));
    states.push({
      clientId,
      leadAgencyId: c % 3 === 0 ? null : from,
      claims: c % 2 ? [{ agencyId: agencies[(c + 2) % 20], domain: 'health', referralId: null }] : [],
      referrals,
      consents: [{ agencyIds: agencies.slice(0, 6), domains: [] }, { agencyIds: [], domains: ['training', 'housing'] }],
      creditedOutcomes: c % 4 ? [] : [`job-start:m-${c}`],
    });
  }
  return { agencies, directory, now, states };
}

/** The commands of a working day: requests (allowed and refused), steps, claims and outcomes. */
function commands(agreement, { agencies, directory, now, states }) {
  return states.flatMap((state, c) => {
    const to = agencies[(c + 7) % 20];
    const open = state.referrals.find((r) => r.status === 'requested');
    return [
      () => engine.decideRequest(agreement, state, directory, { referralId: `n-${c}`, clientId: state.clientId, fromAgencyId: agencies[c % 18], toAgencyId: to, domain: DOMAINS[c % 7], handsOverLead: false, service: null }, now),
      () => engine.decideClaim(agreement, state, directory, agencies[(c + 3) % 20], 'health'),
      () => (open ? engine.decideStep(agreement, state, directory, { referral: open, action: 'accept', byAgencyId: open.toAgencyId, reason: null }, now) : engine.decideRelease(agreement, state, agencies[1], 'health')),
      () => engine.decideOutcome(agreement, state, { milestoneId: `m-${c}`, outcome: 'job-start', recordedByAgencyId: agencies[c % 18] }, null),
    ];
  });
}

export function runEngineBenchmark({ seconds = 3 } = {}) {
  const text = readFileSync(engine.SHIPPED_AGREEMENT_V1, 'utf8');
  const parsed = engine.parseAgreement(text);
  if (!parsed.ok) throw new Error(`the shipped agreement does not parse: ${parsed.problems.join('; ')}`);
  const mix = commands(parsed.agreement, fixtures(1000));
  const outcomes = { allowed: 0, refused: 0 };
  // warm up, so the JIT has compiled the engine before it is timed
  for (let i = 0; i < 200_000; i += 1) mix[i % mix.length]();
  let decisions = 0;
  const started = process.hrtime.bigint();
  const deadline = started + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 10_000; i += 1) outcomes[mix[(decisions + i) % mix.length]().outcome] += 1;
    decisions += 10_000;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return { decisions, seconds: Math.round(elapsed * 100) / 100, decisionsPerSecond: Math.round(decisions / elapsed), outcomes, commandMix: mix.length };
}
