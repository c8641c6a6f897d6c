const DAY = 24 * 3600 * 1000;

/** Adds days, or business days (Monday to Friday), to a moment, keeping its time of day. */
export function addDays(from: Date, days: number, businessDays: boolean): Date {
  if (!businessDays) return new Date(from.getTime() + days * DAY);
  let at = from.getTime();
  let left = days;
  while (left > 0) {
    at += DAY;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return new Date(at);
}

/** The same on a calendar date (YYYY-MM-DD), e.g. how many weeks lie between a job entry and a milestone. */
export function addCalendarDays(date: string, days: number): string {
  return addDays(new Date(`${date}T00:00:00.000Z`), days, false).toISOString().slice(0, 10);
}
