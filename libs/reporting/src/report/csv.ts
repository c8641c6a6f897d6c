/**
 * Characters that make a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): `=`, `+`,
 * `-`, `@`, and a leading tab or carriage return, which some spreadsheets skip before looking.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One cell's text. Every string is neutralised — agency ids, regions, reason codes, metric names
 * and periods alike, whoever wrote them — by a leading single quote, which spreadsheets show as
 * text and do not evaluate. Numbers are the report's own figures and stay numbers: a negative one
 * is written as it is, so a spreadsheet still sums the column.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  const text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** RFC 4180 field quoting, after neutralising: a field with a comma, quote or line break is quoted, quotes doubled. */
function field(value: unknown): string {
  const text = cellText(value);
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

/** What a suppressed figure shows in an export and on the dashboard: fewer than k clients. */
export const suppressedMark = (k: number): string => `<${k}`;

/**
 * A report (or a row of one) as `metric → value`, with each suppressed figure marked `<k` rather
 * than left blank, so a reader tells "suppressed" from "none"; `suppressed` itself is not a metric.
 */
export function flattenPublished(report: { suppressed: readonly string[] } & object, k: number, leaveOut: readonly string[] = []): { metric: string; value: unknown }[] {
  const hidden = new Set(report.suppressed);
  const { suppressed: _suppressed, ...figures } = report;
  return flatten(figures)
    .filter((m) => !leaveOut.some((name) => m.metric === name || m.metric.startsWith(`${name}.`)))
    .map((m) => (hidden.has(m.metric) ? { metric: m.metric, value: suppressedMark(k) } : m));
}
