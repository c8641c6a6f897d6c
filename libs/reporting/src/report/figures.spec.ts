import { capacityRefusalShare, continuityFigures, outcomeFigures, referralFigures, ReferralRow, refusalFigures, under25Figures } from './figures';
import { percentile } from './statistics';
import { periodStart, timeline } from './timeline';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1) + s * 1000);
let client = 0;
const row = (over: Partial<ReferralRow>): ReferralRow => ({ clientId: `c${(client += 1)}`, from: 'a', to: 'b', status: 'requested', answer: null, rejectReason: null, requestedAt: at(0), answeredAt: null, ...over });

describe('percentile (nearest rank)', () => {
  it('gives the median and 90th percentile of a list, and null for none', () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile([42], 90)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('referral figures', () => {
  const rows = [
    row({ status: 'completed', answer: 'accepted', answeredAt: at(60) }),
    row({ status: 'rejected', answer: 'rejected', rejectReason: 'no-capacity', answeredAt: at(120) }),
    row({ to: 'c', status: 'rejected', answer: 'rejected', rejectReason: 'not-eligible', answeredAt: at(30) }),
    row({ to: 'c', status: 'expired', answer: 'expired', answeredAt: at(9999) }),
    row({ status: 'entered-in-error', answer: 'accepted', answeredAt: at(5) }),
  ];

  it('counts each referral once for the partnership, and leaves mistakes and expiries out of time to answer', () => {
    expect(referralFigures(rows, () => true)).toEqual({
      sent: 4,
      received: 4,
      accepted: 1,
      rejected: 2,
      rejectedByReason: { 'not-eligible': 1, 'no-capacity': 1, 'could-not-contact': 0, 'client-declined': 0, 'already-served-elsewhere': 0, 'referred-elsewhere': 0, 'consent-withdrawn': 0, other: 0, unknown: 0 },
      expired: 1,
      completed: 1,
      enteredInError: 1,
      timeToAnswerSeconds: { answered: 3, median: 60, p90: 120 },
    });
  });

  it('counts a referral as sent by its sender and received by its receiver', () => {
    expect(referralFigures(rows, (id) => id === 'a')).toMatchObject({ sent: 4, received: 0, enteredInError: 1 });
    expect(referralFigures(rows, (id) => id === 'c')).toMatchObject({ sent: 0, received: 2, rejected: 1, expired: 1, timeToAnswerSeconds: { answered: 1, median: 30 } });
  });
});

describe('refusals and capacity', () => {
  it('names what the agreement prevented, and the share turned away for lack of capacity', () => {
    const refused = (code: string, n: number) => Array.from({ length: n }, (_, i) => ({ clientId: `${code}-${i}`, code }));
    const refusals = refusalFigures([...refused('UA-5', 2), ...refused('UA-4', 1), ...refused('UA-9', 1), ...refused('UA-6', 1), ...refused('UA-7', 1), ...refused('REFERRAL.ILLEGAL_TRANSITION', 3)]);
    expect(refusals).toEqual({
      total: 9,
      byRule: { 'UA-5': 2, 'UA-4': 1, 'UA-9': 1, 'UA-6': 1, 'UA-7': 1, 'REFERRAL.ILLEGAL_TRANSITION': 3 },
      duplicatesPrevented: 2,
      competingClaimsBlocked: 2,
      loopsPrevented: 1,
      capacityRefused: 1,
    });
    // the rules listed whatever the rows: a rule with no refusal shows 0
    expect(refusalFigures([], ['UA-1', 'UA-5']).byRule).toEqual({ 'UA-1': 0, 'UA-5': 0 });
    const referrals = referralFigures([row({ answer: 'rejected', rejectReason: 'no-capacity', answeredAt: at(1) }), row({}), row({})], () => true);
    expect(capacityRefusalShare(referrals, refusals)).toBe(0.5);
  });
});

describe('outcomes', () => {
  it('credits each outcome to one agency and counts contributions separately, never twice', () => {
    const rows = [
      { clientId: 'x', outcome: 'job-entry', credited: 'a', contributing: ['b', 'c'] },
      { clientId: 'y', outcome: 'job-entry', credited: 'b', contributing: ['a'] },
      { clientId: 'z', outcome: 'training-started', credited: 'c', contributing: [] },
    ];
    expect(outcomeFigures(rows, () => true)['job-entry']).toEqual({ credited: 2, contributedTo: 2 });
    expect(outcomeFigures(rows, (id) => id === 'a')).toMatchObject({ 'job-entry': { credited: 1, contributedTo: 1 }, 'training-started': { credited: 0, contributedTo: 0 } });
  });
});

describe('the under-25 goal and key-worker continuity', () => {
  it('gives shares of the clients concerned', () => {
    expect(under25Figures([true, false, true, false].map((inWorkOrTraining, i) => ({ clientId: `y${i}`, inWorkOrTraining })))).toEqual({ known: 4, inWorkOrTraining: 2, share: 0.5 });
    expect(under25Figures([])).toEqual({ known: 0, inWorkOrTraining: 0, share: null });
    expect(continuityFigures([{ clientId: 'x', keyWorkers: 1, assignments: 1 }, { clientId: 'y', keyWorkers: 2, assignments: 3 }])).toEqual({ clientsWithKeyWorker: 2, keptOneKeyWorker: 1, keyWorkerChanges: 2, share: 0.5 });
  });
});

describe('timeline', () => {
  it('starts days, ISO weeks (Monday) and months in UTC', () => {
    const sunday = new Date('2026-03-01T23:30:00Z');
    expect(periodStart(sunday, 'day')).toBe('2026-03-01');
    expect(periodStart(sunday, 'week')).toBe('2026-02-23');
    expect(periodStart(new Date('2026-03-02T00:00:00Z'), 'week')).toBe('2026-03-02');
    expect(periodStart(sunday, 'month')).toBe('2026-03-01');
  });

  it('gives the main figures per period, oldest first', () => {
    const points = timeline(
      [row({ requestedAt: new Date('2026-02-10T10:00:00Z'), answer: 'accepted', answeredAt: new Date('2026-02-10T11:00:00Z') }), row({ requestedAt: new Date('2026-01-05T10:00:00Z') })],
      [{ clientId: 'x', outcome: 'job-entry', credited: 'b', contributing: [], occurredAt: new Date('2026-02-20T00:00:00Z') }],
      () => true,
      'month',
    );
    expect(points).toEqual([
      { period: '2026-01-01', sent: 1, received: 1, accepted: 0, rejected: 0, completed: 0, outcomesCredited: 0 },
      { period: '2026-02-01', sent: 1, received: 1, accepted: 1, rejected: 0, completed: 0, outcomesCredited: 1 },
    ]);
  });
});
