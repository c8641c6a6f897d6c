// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the
// packages they live in. Usage: node bench/tools/profile-top.mjs <file.cpuprofile> [rows]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/tools/profile-top.mjs <file.cpuprofile> [rows]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const dt = new Map();
for (let i = 0; i < profile.samples.length; i += 1) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const self = new Map();
const packages = new Map();
const where = (url) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/libs/')) return `libs/${url.split('/libs/')[1].split('/')[0]}`;
  if (url.startsWith('node:')) return 'node core';
  return url ? 'other' : '(native/idle/gc)';
};
for (const [id, us] of dt) {
  const n = byId.get(id);
  const f = n.callFrame;
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*node_modules\//, '').replace(/.*\/work\/[^/]+\//, '')}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + us);
  packages.set(where(f.url), (packages.get(where(f.url)) ?? 0) + us);
}
const pct = (us) => `${((us / total) * 100).toFixed(1)}%`;
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
console.log('-- by package (self time)');
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(pct(v).padStart(7), k);
console.log('-- by function (self time)');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(rowsArg ?? 30))) console.log(pct(v).padStart(7), k);
