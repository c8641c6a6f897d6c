import { addDays } from './calendar';

describe('addDays', () => {
  it('skips weekends when counting business days', () => {
    expect(addDays(new Date('2026-11-27T16:00:00Z'), 2, true)).toEqual(new Date('2026-12-01T16:00:00Z')); // Fri → Tue
    expect(addDays(new Date('2026-11-28T09:00:00Z'), 1, true)).toEqual(new Date('2026-11-30T09:00:00Z')); // Sat → Mon
  });

  it('counts every day otherwise', () => {
    expect(addDays(new Date('2026-11-27T16:00:00Z'), 2, false)).toEqual(new Date('2026-11-29T16:00:00Z'));
  });
});
