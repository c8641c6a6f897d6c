// Directory search over 10,000 services: p50/p99 of the searches caseworkers make, next to the
// same service's /health answered over the same connections (the HTTP floor).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pool, request } from '../lib/http.mjs';
import { enrolAgencies, tokenOf } from '../lib/partnership.mjs';
import { round } from '../lib/platform.mjs';
import { summarise } from '../lib/stats.mjs';
import { waitForQuiet } from '../lib/kafka-lag.mjs';

const REGIONS = ['benchland', 'north-bench', 'south-bench', 'east-bench', 'west-bench'];

/** Services made from the demo directory's, varied in needs, ages, areas and capacity. */
function servicesFor(repo, agencies, perAgency) {
  const templates = JSON.parse(readFileSync(join(repo, 'deploy', 'demo', 'directory.json'), 'utf8')).services;
  const out = [];
  agencies.forEach((agency, a) => {
    for (let s = 0; s < perAgency; s += 1) {
      const { agencyId: _ignored, ...t } = templates[(a * perAgency + s) % templates.length];
      const minimumAge = [16, 18, 18, 25, 50][s % 5];
      out.push({
        agencyId: agency.id,
        service: {
          ...t,
          name: `${t.name} ${a}-${s}`,
          minimumAge,
          maximumAge: s % 3 === 0 ? minimumAge + 20 : undefined,
          serviceAreas: [...new Set([agency.region, REGIONS[(a + s) % REGIONS.length]])],
          capacity: { available: s % 4 === 0 ? 0 : 5 + (s % 20), maximum: 30, waitlistAllowed: s % 2 === 0 },
        },
      });
    }
  });
  return out;
}

const SEARCHES = [
  '/services/search?needs=skills-and-training,confidence-and-motivation&age=22&hasCapacity=true&region=benchland',
  '/services/search?needs=job-search&region=north-bench',
  '/services/search?q=training&age=30',
  '/services/search?domain=health&age=40&hasCapacity=true',
  '/services/search?needs=housing,debt&serviceArea=east-bench',
  '/services/search?targetGroup=young-people&needs=job-search,work-experience&age=19',
  '/services/search?domain=training&region=west-bench&page=3',
  '/services/search?needs=mental-health&age=52&region=south-bench',
];

export async function runDirectoryBenchmark({ platform, repo, directoryDb, services = 10_000, searches = 2000, concurrency = 2, log }) {
  const agencies = Array.from({ length: 100 }, (_, i) => ({ id: `bench-dir-${i}`, stakeholderType: ['ngo', 'education-or-training-provider', 'municipality', 'employer', 'health'][i % 5], region: REGIONS[i % REGIONS.length] }));
  await enrolAgencies(platform, agencies);
  const toOffer = servicesFor(repo, agencies, Math.ceil(services / agencies.length)).slice(0, services);
  const seeded = Date.now();
  await pool(toOffer.length, 16, async (i) => {
    const { agencyId, service } = toOffer[i];
    const res = await request('POST', platform.url('agency-directory', `/agencies/${agencyId}/services`), { token: await tokenOf('agency-admin', agencyId), body: service });
    if (res.status !== 201) throw new Error(`offering a service: ${res.status} ${JSON.stringify(res.body)}`);
  });
  log(`${toOffer.length} services offered by ${agencies.length} agencies in ${((Date.now() - seeded) / 1000).toFixed(1)} s`);

  await waitForQuiet(platform.brokers, { log });
  // A directory loaded in one go is searched once autovacuum has caught up with the load: do now
  // what it would do a minute later, so the figures are those of the directory in service.
  await directoryDb.query('VACUUM ANALYZE');
  const token = await tokenOf('caseworker', agencies[0].id);
  const measure = async (paths, count) => {
    const timings = await pool(count, concurrency, async (i) => {
      const res = await request('GET', platform.url('agency-directory', paths[i % paths.length]), { token });
      if (res.status !== 200) throw new Error(`GET ${paths[i % paths.length]}: ${res.status} ${JSON.stringify(res.body)}`);
      return { ms: res.ms, results: res.body?.results?.length ?? null, total: res.body?.total ?? null };
    });
    return timings;
  };
  await measure(SEARCHES, 200); // warm-up
  await measure(['/health'], 200);
  const searchTimings = await measure(SEARCHES, searches);
  const healthTimings = await measure(['/health'], searches);
  const perQuery = SEARCHES.map((path, q) => {
    const mine = searchTimings.filter((_, i) => i % SEARCHES.length === q);
    return { path, results: mine[0].results, matching: mine[0].total, ms: summarise(mine.map((t) => t.ms)) };
  });
  return {
    services: toOffer.length,
    concurrency,
    searches: searchTimings.length,
    searchMs: summarise(searchTimings.map((t) => t.ms)),
    healthMs: summarise(healthTimings.map((t) => t.ms)),
    perQuery,
    targetP99Ms: 20,
    seedSeconds: round((Date.now() - seeded) / 1000, 1),
  };
}
