import { AgeBand } from '@umbrella/contracts/vocabulary';

/*
 * The non-identifying attributes reporting needs, derived from personal data that never leaves
 * this service. Pure functions of their inputs: the date they are derived "on" is passed in.
 */

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a YYYY-MM-DD string naming a day that exists (no 30 February). */
export function isCalendarDate(value: string): boolean {
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** The calendar date (UTC) of an instant, as YYYY-MM-DD. */
export function calendarDateOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Whole years between a date of birth and a date (a 29 February birthday counts from 1 March in other years). */
export function ageOn(dateOfBirth: string, on: string): number {
  if (!isCalendarDate(dateOfBirth) || !isCalendarDate(on)) throw new RangeError('dates must be YYYY-MM-DD');
  if (on < dateOfBirth) throw new RangeError('the date is before the date of birth');
  const [by, bm, bd] = dateOfBirth.split('-').map(Number);
  const [oy, om, od] = on.split('-').map(Number);
  const hadBirthday = om > bm || (om === bm && od >= bd);
  return oy - by - (hadBirthday ? 0 : 1);
}

export function ageBandOf(age: number): AgeBand {
  if (age < 16) return 'under-16';
  if (age < 18) return '16-17';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 50) return '35-49';
  if (age < 65) return '50-64';
  return '65-plus';
}

export interface DerivedAge {
  readonly ageBand: AgeBand;
  readonly under25: boolean;
}

/** Age band and the under-25 flag on a given day (the partnership's youth goal is "under 25"). */
export function derivedAge(dateOfBirth: string, on: string): DerivedAge {
  const age = ageOn(dateOfBirth, on);
  return { ageBand: ageBandOf(age), under25: age < 25 };
}

/**
 * The region a postcode lies in, coarse enough to identify no one: the postcode area (the leading
 * letters of a UK postcode, e.g. `NB` of `NB1 4QT`), or the first two digits of a numeric postcode
 * (the département / Leitregion level elsewhere in Europe). District, sector and unit never leave.
 */
export function regionOf(postcode: string): string {
  const compact = postcode.replace(/\s+/g, '').toUpperCase();
  const letters = /^([A-Z]{1,2})\d/.exec(compact);
  if (letters) return letters[1];
  const digits = /^(\d{2})\d*$/.exec(compact);
  if (digits) return digits[1];
  throw new RangeError('not a recognisable postcode');
}
