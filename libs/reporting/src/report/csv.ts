/** RFC 4180 field quoting: a field with a comma, quote or line break is quoted, quotes doubled. */
function field(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document with a header row, lines ended by CRLF as RFC 4180 says. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return [columns.map(field).join(','), ...rows.map((r) => columns.map((c) => field(r[c])).join(','))].join('\r\n') + '\r\n';
}

/** Flattens a nested report into dotted metric names, for a two-column `metric,value` export. */
export function flatten(value: unknown, prefix = ''): { metric: string; value: unknown }[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
  }
  return [{ metric: prefix, value: Array.isArray(value) ? value.join(' ') : value }];
}
