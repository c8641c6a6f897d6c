import { addCalendarDays, addDays } from './calendar';

describe('addDays', () => {
  it('skips weekends when counting business days', () => {
    expect(addDays(new Date('2026-11-27T16:00:00Z'), 2, true)).toEqual(new Date('2026-12-01T16:00:00Z')); // Fri → Tue
    expect(addDays(new Date('2026-11-28T09:00:00Z'), 1, true)).toEqual(new Date('2026-11-30T09:00:00Z')); // Sat → Mon
  });

  it('counts every day otherwise', () => {
    expect(addDays(new Date('2026-11-27T16:00:00Z'), 2, false)).toEqual(new Date('2026-11-29T16:00:00Z'));
  });
});

describe('addCalendarDays', () => {
  it('moves a calendar date across months, years and leap days, either way', () => {
    expect(addCalendarDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addCalendarDays('2026-01-05', -91)).toBe('2025-10-06');
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addCalendarDays('2026-12-31', 0)).toBe('2026-12-31');
  });
});
