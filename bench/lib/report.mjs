// Writes bench/results/<date>.json and a short Markdown summary next to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ratio } from './stats.mjs';

const fmt = (x, unit = '') => (x == null ? '—' : `${typeof x === 'number' ? x.toLocaleString('en-GB') : x}${unit}`);
const verdict = (ok) => (ok == null ? '' : ok ? 'met' : '**missed**');

/** The rows of the summary table: figure, value, baseline, ratio, target. */
export function summaryRows(r) {
  const rows = [];
  const b = r.baselines ?? {};
  const e = r.benchmarks.e2e;
  if (e) {
    const best = e.highestSustained;
    const ok = e.highestWithinTarget;
    rows.push(['E2E referrals/s sustained (created → visible in journey and reporting)', fmt(best?.achievedPerSecond, '/s'), `PostgreSQL ceiling ${fmt(b.postgres?.transactionsPerSecond, ' tx/s')}`, fmt(ratio(best?.achievedPerSecond, b.postgres?.transactionsPerSecond)), `≥ 1,000/s and ≥ 0.5: ${verdict(best && best.achievedPerSecond >= 1000 && ratio(best.achievedPerSecond, b.postgres?.transactionsPerSecond) >= 0.5)}`]);
    rows.push(['E2E referrals/s sustained vs Kafka', fmt(best?.achievedPerSecond, '/s'), `Kafka producer ${fmt(b.kafka?.producerRecordsPerSecond, ' records/s')}`, fmt(ratio(best?.achievedPerSecond, b.kafka?.producerRecordsPerSecond)), '']);
    rows.push(['E2E highest rate within p99 ≤ 250 ms', fmt(ok?.achievedPerSecond, '/s'), `PostgreSQL ceiling ${fmt(b.postgres?.transactionsPerSecond, ' tx/s')}`, fmt(ratio(ok?.achievedPerSecond, b.postgres?.transactionsPerSecond)), '']);
    rows.push(['E2E create→visible p50 / p99 at the highest sustained rate', `${fmt(best?.visibleMs.p50, ' ms')} / ${fmt(best?.visibleMs.p99, ' ms')}`, `create (HTTP) p99 ${fmt(best?.createMs.p99, ' ms')}`, fmt(ratio(best?.visibleMs.p99, best?.createMs.p99)), `p99 ≤ 250 ms: ${verdict(best ? best.visibleMs.p99 <= 250 : null)}`]);
  }
  const s = r.benchmarks.storm;
  if (s) {
    rows.push(['Claims storm decisions/s (1,000 clients × 5 agencies, 3 instances)', fmt(s.decisionsPerSecond, '/s'), `uncontended claims ${fmt(s.baseline.decisionsPerSecond, '/s')}`, fmt(ratio(s.decisionsPerSecond, s.baseline.decisionsPerSecond)), '']);
    const doubles = s.doubleGrants.http + s.doubleGrants.database + s.doubleGrants.topic;
    rows.push(['Claims storm double grants (HTTP / database / topic)', `${s.doubleGrants.http} / ${s.doubleGrants.database} / ${s.doubleGrants.topic}`, `${fmt(s.clientsWithOneHolderInDatabase)} of ${fmt(s.clients)} clients with one holder`, '', `zero: ${verdict(doubles === 0 && s.clientsWithOneHolderInDatabase === s.clients)}`]);
  }
  const g = r.benchmarks.engine;
  if (g) rows.push(['Agreement engine decisions/s in-process', fmt(g.decisionsPerSecond, '/s'), `PostgreSQL ceiling ${fmt(b.postgres?.transactionsPerSecond, ' tx/s')}`, fmt(ratio(g.decisionsPerSecond, b.postgres?.transactionsPerSecond)), `≥ 100,000/s: ${verdict(g.decisionsPerSecond >= 100_000)}`]);
  const d = r.benchmarks.directory;
  if (d) rows.push([`Directory search p50 / p99 (${fmt(d.services)} services)`, `${fmt(d.searchMs.p50, ' ms')} / ${fmt(d.searchMs.p99, ' ms')}`, `GET /health p99 ${fmt(d.healthMs.p99, ' ms')}`, fmt(ratio(d.searchMs.p99, d.healthMs.p99)), `p99 ≤ 20 ms: ${verdict(d.searchMs.p99 <= 20)}`]);
  const p = r.benchmarks.replay;
  if (p) rows.push([`Replay of the reporting projection (${fmt(p.eventsOnTopics)} events)`, fmt(p.replay.eventsPerSecond, ' events/s'), `raw kafkajs consume ${fmt(p.rawConsume.eventsPerSecond, ' events/s')}`, fmt(ratio(p.replay.eventsPerSecond, p.rawConsume.eventsPerSecond)), `≥ 0.5: ${verdict(p.replay.complete && ratio(p.replay.eventsPerSecond, p.rawConsume.eventsPerSecond) >= 0.5)}`]);
  const f = r.benchmarks.footprint;
  if (f) {
    for (const svc of f.services) {
      rows.push([`Footprint ${svc.service}: RSS idle / under load`, `${fmt(svc.idleMb, ' MB')} / ${fmt(svc.underLoadMb, ' MB')}`, `bare Node.js ${fmt(f.bareNodeMb, ' MB')}`, fmt(ratio(svc.idleMb, f.bareNodeMb)), `idle ≤ 150 MB: ${verdict(svc.idleMb <= 150)}`]);
    }
  }
  return rows;
}

export function writeResults(repo, results) {
  const dir = join(repo, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/:/g, '-').replace(/\..*/, '');
  const json = join(dir, `${stamp}.json`);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const md = join(dir, `${stamp}.md`);
  writeFileSync(md, markdown(results));
  return { json, md };
}

export function markdown(r) {
  const m = r.machine;
  const lines = [
    `# Umbrella benchmark, ${r.startedAt}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB memory, ${m.os}; Node.js ${m.node}, ${m.java}, ${m.postgres}, Kafka ${m.kafka}. ` +
      `Everything (services, broker, PostgreSQL, load generator) on this one machine; ${r.quick ? 'quick run (shortened steps and sizes)' : 'full run'}, ${Math.round(r.seconds)} s in all.`,
    '',
    'Each figure sits next to a baseline measured in the same run, and their ratio.',
    '',
    '| figure | value | baseline (same run) | ratio | target |',
    '| --- | --- | --- | --- | --- |',
    ...summaryRows(r).map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  const e = r.benchmarks.e2e;
  if (e) {
    lines.push('## End-to-end steps', '', '| offered/s | visible/s | create p50/p99 ms | create→visible p50/p99 ms | journey p99 ms | reporting p99 ms | errors | kept up | CPU % of a core (referral, journey, reporting, kafka, postgresql, generator) |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const s of e.steps) {
      const cpu = (name) => s.processes.find((p) => p.process === name)?.cpuPercentOfOneCore ?? '—';
      lines.push(`| ${s.offeredPerSecond} | ${s.achievedPerSecond} | ${s.createMs.p50} / ${s.createMs.p99} | ${s.visibleMs.p50} / ${s.visibleMs.p99} | ${s.journeyMs.p99} | ${s.reportingMs.p99} | ${Object.keys(s.errors).length ? JSON.stringify(s.errors) : 0} | ${s.keptUp ? 'yes' : 'no'} | ${['referral', 'client-journey', 'reporting', 'kafka', 'postgresql', 'load generator'].map(cpu).join(', ')} |`);
    }
    lines.push('');
  }
  if (r.failures?.length) lines.push('## Failed', '', ...r.failures.map((f) => `- ${f.benchmark}: ${f.error}`), '');
  if (r.history?.length) {
    lines.push(
      '## Before and after',
      '',
      'Where a figure missed its target, the code was profiled and changed; each change with the figure this benchmark measured before and after it, on this kind of machine (from bench/history.json).',
      '',
      '| figure | change | before | after | measured with |',
      '| --- | --- | --- | --- | --- |',
      ...r.history.map((h) => `| ${h.figure} | ${h.change} (${h.commit}) | ${h.before} | ${h.after} | \`${h.command}\` |`),
      '',
    );
  }
  if (r.notes?.length) lines.push('## Notes', '', ...r.notes.map((n) => `- ${n}`), '');
  return `${lines.join('\n')}\n`;
}
