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
