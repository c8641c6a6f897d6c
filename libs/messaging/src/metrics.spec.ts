import { renderMetrics } from './metrics';

describe('renderMetrics', () => {
  it('writes each metric with its help and type, counters ending in _total, label values escaped', () => {
    const text = renderMetrics({
      outboxWaiting: 3,
      published: 1500,
      republished: 25,
      deadLetters: 2,
      consumed: [{ name: 'odd "name"\\', counts: { handled: 7 } }],
    });
    const lines = text.split('\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines).toEqual(
      expect.arrayContaining([
        '# TYPE umbrella_outbox_republished_total counter',
        'umbrella_outbox_republished_total 25',
        'umbrella_outbox_published_total 1500',
        'umbrella_outbox_waiting 3',
        'umbrella_dead_letters 2',
        'umbrella_consumed_total{consumer="odd \\"name\\"\\\\",outcome="handled"} 7',
      ]),
    );
    const samples = lines.filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]);
    for (const name of new Set(samples)) {
      expect(lines.some((l) => l.startsWith(`# HELP ${name} `))).toBe(true);
      expect(lines.some((l) => l.startsWith(`# TYPE ${name} `))).toBe(true);
    }
  });
});
