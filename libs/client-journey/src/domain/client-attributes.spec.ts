import { ageBandOf, ageOn, calendarDateOf, derivedAge, isCalendarDate, regionOf } from './client-attributes';

describe('derived client attributes', () => {
  describe('age on a day', () => {
    it.each([
      ['the day before the birthday', '2001-06-15', '2025-06-14', 23],
      ['on the birthday', '2001-06-15', '2025-06-15', 24],
      ['the day after', '2001-06-15', '2025-06-16', 24],
      ['a 29 February birthday in a common year, on 28 February', '2004-02-29', '2029-02-28', 24],
      ['a 29 February birthday in a common year, on 1 March', '2004-02-29', '2029-03-01', 25],
      ['the day of birth', '2010-01-01', '2010-01-01', 0],
    ])('given a client born %s: %s on %s is %i', (_what, born, on, age) => {
      expect(ageOn(born, on)).toBe(age);
    });

    it('refuses a day before the birth and dates that do not exist', () => {
      expect(() => ageOn('2001-06-15', '2001-06-14')).toThrow(RangeError);
      expect(() => ageOn('2001-02-30', '2025-01-01')).toThrow(RangeError);
    });
  });

  it('bands ages at the boundaries reporting uses, with under-25 turning false on the 25th birthday', () => {
    expect([15, 16, 17, 18, 24, 25, 34, 35, 49, 50, 64, 65, 90].map(ageBandOf)).toEqual([
      'under-16',
      '16-17',
      '16-17',
      '18-24',
      '18-24',
      '25-34',
      '25-34',
      '35-49',
      '35-49',
      '50-64',
      '50-64',
      '65-plus',
      '65-plus',
    ]);
    expect(derivedAge('2001-06-15', '2026-06-14')).toEqual({ ageBand: '18-24', under25: true });
    expect(derivedAge('2001-06-15', '2026-06-15')).toEqual({ ageBand: '25-34', under25: false });
  });

  it.each([
    ['NB1 4QT', 'NB'],
    ['nb14qt', 'NB'],
    ['SW1A 1AA', 'SW'],
    ['M1 1AE', 'M'],
    ['NB1', 'NB'],
    ['10115', '10'],
    ['75008', '75'],
  ])('takes the region of %s as the postcode area %s, never the district or unit', (postcode, region) => {
    expect(regionOf(postcode)).toBe(region);
  });

  it('refuses something that is not a postcode', () => {
    expect(() => regionOf('London')).toThrow(RangeError);
  });

  it('recognises real calendar dates only', () => {
    expect(['2024-02-29', '1999-12-31'].every(isCalendarDate)).toBe(true);
    expect(['2023-02-29', '1999-13-01', '1999-1-1', '31/12/1999', ''].some(isCalendarDate)).toBe(false);
    expect(calendarDateOf(new Date('2026-11-24T23:59:59.999Z'))).toBe('2026-11-24');
  });
});
