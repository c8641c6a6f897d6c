import { flattenPublished, toCsv } from './csv';
import { ReferralRow, RefusalRow } from './figures';
import { agencyTable, partnershipSummary, referralCounts, SummaryRows, timelineReport } from './reports';

const K = 5;
const at = (day: number, hour = 9) => new Date(Date.UTC(2026, 0, day, hour));
const referral = (clientId: string, over: Partial<ReferralRow> = {}): ReferralRow => ({ clientId, from: 'a', to: 'b', status: 'requested', answer: null, rejectReason: null, requestedAt: at(5), answeredAt: null, ...over });
const accepted = (clientId: string, over: Partial<ReferralRow> = {}) => referral(clientId, { status: 'completed', answer: 'accepted', answeredAt: at(5, 11), ...over });
const rejected = (clientId: string, reason: string, over: Partial<ReferralRow> = {}) => referral(clientId, { status: 'rejected', answer: 'rejected', rejectReason: reason, answeredAt: at(5, 12), ...over });
const clients = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** The rows of a summary, refusals with the agency that acted, so the per-agency view can be read from them too. */
type Rows = Omit<SummaryRows, 'refusals'> & { refusals: (RefusalRow & { agencyId: string | null })[] };
const noRows: Rows = { referrals: [], refusals: [], refusalCodes: ['UA-5', 'UA-7'], outcomes: [], under25: [], continuity: [] };
const everyone = () => true;

/** The e2e scenario's shape: five young clients accepted and placed, five older ones rejected and waiting. */
function partnership(): Rows {
  const young = clients(5, 'y');
  const older = clients(5, 'o');
  return {
    referrals: [
      ...young.flatMap((c, i) => [accepted(c, { answeredAt: at(5, 10 + i) }), rejected(c, 'no-capacity', { to: 'c' })]),
      ...older.flatMap((c) => [rejected(c, 'not-eligible', { domain: 'training' } as Partial<ReferralRow>), referral(c)]),
    ],
    refusals: older.map((c) => ({ clientId: c, code: 'UA-5', agencyId: 'a' })),
    refusalCodes: ['UA-5', 'UA-7'],
    outcomes: young.map((c) => ({ clientId: c, outcome: 'job-entry', credited: 'a', contributing: ['b'], occurredAt: at(6) })),
    under25: young.map((c) => ({ clientId: c, inWorkOrTraining: true })),
    continuity: [...young, ...older].map((c) => ({ clientId: c, keyWorkers: 1, assignments: 1 })),
  };
}

describe('a report narrowed to one client', () => {
  // a one-instant period (or any filter) that leaves one client: their referral, its answer time, their refusal, their job
  const one: Rows = {
    referrals: [accepted('x', { answeredAt: at(5, 10) })],
    refusals: [{ clientId: 'x', code: 'UA-5', agencyId: 'a' }],
    refusalCodes: ['UA-5', 'UA-7'],
    outcomes: [{ clientId: 'x', outcome: 'job-entry', credited: 'a', contributing: [] }],
    under25: [{ clientId: 'x', inWorkOrTraining: true }],
    continuity: [{ clientId: 'x', keyWorkers: 1, assignments: 1 }],
  };

  it('publishes no figure at all, zeros included, and looks exactly like a report about nobody', () => {
    const summary = partnershipSummary(one, everyone, K);
    expect(summary.referrals).toMatchObject({ sent: null, received: null, accepted: null, expired: null, enteredInError: null, timeToAnswerSeconds: { answered: null, median: null, p90: null } });
    expect(Object.values(summary.referrals.rejectedByReason).every((v) => v === null)).toBe(true);
    expect(summary.under25).toEqual({ known: null, inWorkOrTraining: null, share: null });
    expect(summary.refusals.byRule).toEqual({ 'UA-5': null, 'UA-7': null });
    expect(summary.suppressed).toEqual(expect.arrayContaining(['referrals.sent', 'referrals.timeToAnswerSeconds.median', 'under25.known', 'outcomes.job-entry.credited', 'capacityRefusalShare']));
    expect(summary).toEqual(partnershipSummary(noRows, everyone, K));
  });

  it('the same in every report: per agency, over time and in the referral counts', () => {
    const agencies = [{ agencyId: 'a', stakeholderType: 'ngo', region: 'r' }, { agencyId: 'b', stakeholderType: 'ngo', region: 'r' }];
    expect(agencyTable(agencies, one, K)).toEqual(agencyTable(agencies, { referrals: [], refusals: [], outcomes: [] }, K));
    expect(agencyTable(agencies, one, K).every((row) => row.sent === null && row.received === null && row.timeToAnswerSeconds.median === null && row.outcomesCredited === null)).toBe(true);
    const [point] = timelineReport(one.referrals, [], everyone, 'day', K);
    expect(point).toMatchObject({ period: '2026-01-05', sent: null, received: null, accepted: null, rejected: null, completed: null, outcomesCredited: null });
    const keys = { domains: ['health', 'housing'], statuses: ['requested', 'completed'], agencies: ['a', 'b'] };
    const counts = referralCounts([{ clientId: 'x', domain: 'health', status: 'completed', toAgencyId: 'b' }], keys, K);
    expect(counts).toEqual(referralCounts([], keys, K));
    expect(counts).toMatchObject({ total: null, byDomain: { health: null, housing: null }, byReceivingAgency: { a: null, b: null } });
  });

  it('stays hidden with four clients, shows at five', () => {
    const with_ = (n: number) => partnershipSummary({ ...noRows, referrals: clients(n).map((c) => accepted(c)) }, everyone, K);
    expect(with_(4).referrals.sent).toBeNull();
    expect(with_(5).referrals).toMatchObject({ sent: 5, accepted: 5, rejected: 0, expired: 0, completed: 5 });
    expect(with_(5).suppressed.filter((name) => name.startsWith('referrals.'))).toEqual([]);
    // the sections with no rows at all (refusals, outcomes, ...) are about nobody: suppressed
    expect(with_(5).refusals.total).toBeNull();
    // many referrals of four clients are still four clients
    expect(partnershipSummary({ ...noRows, referrals: clients(4).flatMap((c) => [accepted(c), accepted(c), rejected(c, 'other')]) }, everyone, K).referrals.sent).toBeNull();
  });
});

describe('the partnership summary', () => {
  it('publishes every figure that rests on at least k clients, and no zero of a section with no rows', () => {
    const summary = partnershipSummary(partnership(), everyone, K);
    expect(summary.suppressed).toEqual([]);
    expect(summary.referrals).toMatchObject({ sent: 20, received: 20, accepted: 5, rejected: 10, expired: 0, completed: 5, rejectedByReason: { 'no-capacity': 5, 'not-eligible': 5, other: 0 } });
    expect(summary.refusals).toMatchObject({ total: 5, byRule: { 'UA-5': 5, 'UA-7': 0 }, duplicatesPrevented: 5, capacityRefused: 0 });
    expect(summary.capacityRefusalShare).toBe(0.25);
    expect(summary.under25).toEqual({ known: 5, inWorkOrTraining: 5, share: 1 });
    // no refusal at all: "none" would speak about nobody (another section's clients were chosen
    // another way: by registration, not by the period), so it reads "fewer than five"
    expect(partnershipSummary({ ...partnership(), refusals: [] }, everyone, K).refusals).toMatchObject({ total: null, duplicatesPrevented: null });
  });

  it('suppresses a small cell of a breakdown and the next smallest beside it, and the share computed from it', () => {
    const rows = partnership();
    // two clients rejected as client-declined: a small cell of rejectedByReason; no-capacity (5) is the next smallest
    const declined = [rejected('d1', 'client-declined'), rejected('d2', 'client-declined')];
    const moreNotEligible = [rejected('n1', 'not-eligible'), rejected('n2', 'not-eligible')];
    const summary = partnershipSummary({ ...rows, referrals: [...rows.referrals, ...declined, ...moreNotEligible] }, everyone, K);
    expect(summary.referrals.rejectedByReason).toMatchObject({ 'client-declined': null, 'no-capacity': null, 'not-eligible': 7, other: 0 });
    expect(summary.referrals.rejected).toBe(14);
    expect(summary.capacityRefusalShare).toBeNull();
    expect(summary.suppressed).toEqual(['referrals.rejectedByReason.no-capacity', 'referrals.rejectedByReason.client-declined', 'capacityRefusalShare']);
  });

  it('suppresses the time to answer when fewer than k clients were answered, and the count answered with the accepted', () => {
    const waiting = clients(8, 'w').map((c) => referral(c));
    const summary = partnershipSummary({ ...noRows, referrals: [...waiting, accepted('x1'), accepted('x2'), rejected('x3', 'other')] }, everyone, K);
    expect(summary.referrals).toMatchObject({ sent: 11, received: 11, accepted: null, rejected: null, timeToAnswerSeconds: { answered: null, median: null, p90: null } });
  });

  it('hides that all young people but one are in work: the share and the count in work', () => {
    const under25 = clients(9, 'y').map((c, i) => ({ clientId: c, inWorkOrTraining: i > 0 }));
    const summary = partnershipSummary({ ...partnership(), under25 }, everyone, K);
    expect(summary.under25).toEqual({ known: 9, inWorkOrTraining: null, share: null });
  });
});

describe('the per-agency view', () => {
  const agencies = ['a', 'b', 'c', 'd', 'e'].map((agencyId) => ({ agencyId, stakeholderType: 'ngo', region: 'r' }));
  // a refers 30 clients: 18 to b, 2 to c, 10 to d; e has none
  const referrals = [...clients(18, 'b').map((c) => referral(c)), ...clients(2, 'c').map((c) => referral(c, { to: 'c' })), ...clients(10, 'd').map((c) => referral(c, { to: 'd' }))];

  it("suppresses a small agency's figures and, in each column, the next smallest agency's; an agency with none shows zeros", () => {
    const table = agencyTable(agencies, { referrals, refusals: [], outcomes: [] }, K);
    expect(table.map((r) => [r.agencyId, r.sent, r.received, r.accepted])).toEqual([
      // c's "sent 0" says c referred neither of its two clients onward: the column total minus the
      // others would give it back, so the one non-zero beside it (a's) goes too
      ['a', null, 0, 0],
      ['b', 0, 18, 0],
      // c rests on two clients: even its zeros are theirs
      ['c', null, null, null],
      // the next smallest non-zero receiver protects c's two
      ['d', 0, null, 0],
      // an agency with no client in the table: its zeros speak about the table's thirty
      ['e', 0, 0, 0],
    ]);
    expect(table.find((r) => r.agencyId === 'c')?.suppressed).toEqual(expect.arrayContaining(['sent', 'received', 'expired', 'timeToAnswerSeconds.median']));
    // (and the share turned away for lack of capacity, computed from what d received; the table has
    // no refusal and no outcome at all, so those zeros speak about nobody, in every row)
    // (the share is computed from refusals too)
    const nobody = ['capacityRefusalShare', 'refusals', 'outcomesCredited', 'outcomesContributedTo'];
    expect(table.find((r) => r.agencyId === 'd')?.suppressed).toEqual(['received', ...nobody]);
    expect(table.find((r) => r.agencyId === 'a')?.suppressed).toEqual(['sent', ...nobody]);
    expect(table.find((r) => r.agencyId === 'e')?.suppressed).toEqual(nobody);
    // nobody accepted anything: a zero column total says every agency's is zero, so there is nothing to protect
    expect(table.every((r) => r.suppressed.includes('accepted') === (r.agencyId === 'c'))).toBe(true);
  });
});

describe('the timeline', () => {
  it('suppresses a period resting on fewer than k clients, and another period of each column beside it', () => {
    const referrals = [...clients(10, 'a').map((c) => referral(c, { requestedAt: at(5) })), referral('late', { requestedAt: at(6) }), ...clients(6, 'b').map((c) => referral(c, { requestedAt: at(7) }))];
    const points = timelineReport(referrals, [], everyone, 'day', K);
    expect(points.map((p) => [p.period, p.sent, p.received])).toEqual([
      ['2026-01-05', 10, 10],
      ['2026-01-06', null, null],
      ['2026-01-07', null, null],
    ]);
    expect(points[2].suppressed).toEqual(['sent', 'received']);
    expect(points[1].suppressed).toEqual(['sent', 'received', 'accepted', 'rejected', 'completed', 'outcomesCredited']);
  });
});

describe('the referral counts', () => {
  it('lists every domain, status and agency it knows, and suppresses small counts with a complement', () => {
    const rows = [
      ...clients(12, 'h').map((c) => ({ clientId: c, domain: 'health', status: 'requested', toAgencyId: 'b' })),
      ...clients(3, 'x').map((c) => ({ clientId: c, domain: 'housing', status: 'requested', toAgencyId: 'b' })),
      ...clients(6, 't').map((c) => ({ clientId: c, domain: 'training', status: 'requested', toAgencyId: 'c' })),
    ];
    const counts = referralCounts(rows, { domains: ['health', 'housing', 'training', 'addiction'], statuses: ['requested', 'accepted'], agencies: ['a', 'b', 'c'] }, K);
    expect(counts).toEqual({
      total: 21,
      byDomain: { health: 12, housing: null, training: null, addiction: 0 },
      byStatus: { requested: 21, accepted: 0 },
      byReceivingAgency: { a: 0, b: 15, c: 6 },
      suppressed: ['byDomain.housing', 'byDomain.training'],
    });
  });
});

describe('exports of a published report', () => {
  it('mark each suppressed figure <k rather than leave it blank, and leave out the list itself', () => {
    const summary = partnershipSummary({ ...noRows, referrals: [accepted('x')] }, everyone, K);
    const lines = toCsv(['metric', 'value'], flattenPublished(summary, K)).split('\r\n');
    expect(lines).toEqual(expect.arrayContaining(['referrals.sent,<5', 'referrals.timeToAnswerSeconds.median,<5', 'capacityRefusalShare,<5']));
    expect(lines.some((l) => l.startsWith('suppressed'))).toBe(false);
    // nothing answered yet: the median is blank (there is none), not <5
    const waiting = partnershipSummary({ ...noRows, referrals: clients(6).map((c) => referral(c)) }, everyone, K);
    expect(toCsv(['metric', 'value'], flattenPublished(waiting, K)).split('\r\n')).toEqual(
      expect.arrayContaining(['referrals.sent,6', 'referrals.timeToAnswerSeconds.answered,0', 'referrals.timeToAnswerSeconds.median,', 'under25.known,<5']),
    );
  });
});
