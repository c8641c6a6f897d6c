// Percentiles and ratios for the summary.
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarise(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: r1(percentile(sorted, 50)),
    p90: r1(percentile(sorted, 90)),
    p99: r1(percentile(sorted, 99)),
    max: r1(sorted[sorted.length - 1] ?? null),
  };
}

export const ratio = (value, baseline) => (value != null && baseline ? Math.round((value / baseline) * 1000) / 1000 : null);
const r1 = (x) => (x == null ? null : Math.round(x * 10) / 10);
