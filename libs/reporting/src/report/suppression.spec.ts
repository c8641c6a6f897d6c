import { Random } from '@umbrella/testing';
import { Breakdown, Cell, CellKind, Derivation, isSmall, merge, nest, Path, publishOnly, redact, suppress, SuppressionPlan, Tally } from './suppression';

const K = 5;
const names = (paths: readonly Path[]) => paths.map((p) => p.join('.')).sort();
/** A figure of `value` resting on `clients` distinct clients, in a population of 100 unless said. */
const cell = (name: string, value: number, clients = value, population = 100, kind: CellKind = 'published'): Cell => ({ path: name.split('.'), value, clients, population, kind });
const total = (name: string, parts: readonly string[]): Breakdown => ({ total: name.split('.'), parts: parts.map((p) => p.split('.')) });
const derived = (name: string, from: readonly string[]): Derivation => ({ figure: name.split('.'), from: from.map((p) => p.split('.')) });
const plan = (cells: Cell[], breakdowns: Breakdown[] = [], derivations: Derivation[] = []): SuppressionPlan => ({ cells, breakdowns, derivations });
const suppressed = (p: SuppressionPlan, k = K) => names(suppress(p, k));

describe('primary suppression', () => {
  it.each([
    // clients, population, small?
    [0, 100, false, 'a zero in a population of at least k is shown'],
    [0, 5, false, 'a zero in a population of exactly k is shown'],
    [0, 4, true, 'a zero in a population under k is suppressed: it says the same of every one of them'],
    [0, 0, true, 'a zero with nobody behind it is suppressed like one with a single client'],
    [1, 100, true, 'one client'],
    [4, 100, true, 'k - 1 clients'],
    [5, 100, false, 'k clients'],
    [5, 5, false, 'k clients, all of the population'],
    [6, 4, true, 'any figure of a population under k'],
  ])('clients %i, population %i: small %s (%s)', (clients, population, small) => {
    expect(isSmall({ clients, population }, K)).toBe(small);
  });

  it('counts clients, not events: many referrals of one client are one client', () => {
    expect(suppressed(plan([cell('sent', 40, 1), cell('received', 40, 5)]))).toEqual(['sent']);
  });

  it('follows k', () => {
    const p = plan([cell('a', 3), cell('b', 9), cell('c', 10)]);
    expect(suppressed(p, 3)).toEqual([]);
    expect(suppressed(p, 4)).toEqual(['a']);
    expect(suppressed(p, 10)).toEqual(['a', 'b']);
    expect(suppressed(p, 11)).toEqual(['a', 'b', 'c']);
  });

  it('suppresses every figure, zeros included, when the report is narrowed to fewer than k clients — the same for one client as for none', () => {
    const narrowed = (population: number) => plan([cell('sent', population, population, population), cell('accepted', 0, 0, population), cell('rejected', population, population, population)]);
    expect(suppressed(narrowed(1))).toEqual(['accepted', 'rejected', 'sent']);
    expect(suppressed(narrowed(0))).toEqual(suppressed(narrowed(1)));
    expect(suppressed(narrowed(5))).toEqual([]);
  });

  it('takes a zero part of a breakdown as a statement about the clients of its total', () => {
    // two clients rejected, both as not eligible: the zeros of the other reasons are theirs too
    const rejected = plan([cell('rejected', 2), cell('r.not-eligible', 2), cell('r.other', 0), cell('r.no-capacity', 0)], [total('rejected', ['r.not-eligible', 'r.other', 'r.no-capacity'])]);
    expect(suppressed(rejected)).toEqual(['r.no-capacity', 'r.not-eligible', 'r.other', 'rejected']);
    // nested: reasons of the rejected of the received
    const nested = plan(
      [cell('received', 40), cell('rejected', 3), cell('accepted', 37), cell('r.other', 0), cell('r.not-eligible', 3)],
      [total('received', ['accepted', 'rejected']), total('rejected', ['r.other', 'r.not-eligible'])],
    );
    expect(suppressed(nested)).toEqual(['accepted', 'r.not-eligible', 'r.other', 'rejected']);
    // a total of none says its parts are none: they are as public as it is
    expect(suppressed(plan([cell('expired', 0), cell('e.a', 0), cell('e.b', 0)], [total('expired', ['e.a', 'e.b'])]))).toEqual([]);
  });

  it('never lists a hidden or external figure: they are not published here', () => {
    expect(suppressed(plan([cell('#rest', 1, 1, 100, 'hidden'), cell('#total', 2, 2, 100, 'external'), cell('a', 1)]))).toEqual(['a']);
  });
});

describe('complementary suppression', () => {
  it('suppresses the next smallest part when exactly one part of a published total is suppressed', () => {
    const p = plan([cell('total', 30, 30), cell('a', 2), cell('b', 12), cell('c', 9), cell('d', 7)], [total('total', ['a', 'b', 'c', 'd'])]);
    expect(suppressed(p)).toEqual(['a', 'd']);
  });

  it('takes a non-zero part before a zero (a zero, once guessed, protects nothing), then the fewest clients, then the first listed', () => {
    expect(suppressed(plan([cell('t', 19), cell('a', 2), cell('z', 0), cell('b', 9), cell('c', 8)], [total('t', ['a', 'z', 'b', 'c'])]))).toEqual(['a', 'c']);
    expect(suppressed(plan([cell('t', 22), cell('a', 2), cell('b', 10, 6), cell('c', 10, 5)], [total('t', ['a', 'b', 'c'])]))).toEqual(['a', 'c']);
    expect(suppressed(plan([cell('t', 22), cell('a', 2), cell('b', 10), cell('c', 10)], [total('t', ['a', 'b', 'c'])]))).toEqual(['a', 'b']);
  });

  it('takes a zero when every other part is zero', () => {
    // (a total resting on more clients than its parts: the engine takes a plan as it is given)
    expect(suppressed(plan([cell('t', 2, 10), cell('a', 2), cell('z', 0), cell('y', 0)], [total('t', ['a', 'z', 'y'])]))).toEqual(['a', 'z']);
  });

  it('protects a zero only with a non-zero: beside zeros, their sum would say it is zero', () => {
    // an agency with two clients: its zero is theirs; a zero column total already says it is zero
    const column = (others: readonly number[], sum = others.reduce((a, b) => a + b, 0)) =>
      plan([cell('#total', sum, sum, 100, 'external'), cell('small', 0, 0, 2), ...others.map((n, i) => cell(`o${i}`, n, n, 50))], [total('#total', ['small', ...others.map((_, i) => `o${i}`)])]);
    expect(suppressed(column([0, 0]))).toEqual(['small']);
    expect(suppressed(column([0, 30, 12]))).toEqual(['o2', 'small']);
  });

  it('suppresses the total when there is no other part to take', () => {
    // a figure that is one rule's refusals under another name: the same number
    expect(suppressed(plan([cell('duplicatesPrevented', 9), cell('byRule.UA-5', 9)], [total('duplicatesPrevented', ['byRule.UA-5'])]))).toEqual([]);
    const complemented = plan([cell('total', 20), cell('byRule.UA-5', 9), cell('byRule.UA-7', 11), cell('byRule.UA-1', 0, 0), cell('duplicatesPrevented', 9)], [total('total', ['byRule.UA-5', 'byRule.UA-7', 'byRule.UA-1']), total('duplicatesPrevented', ['byRule.UA-5'])]);
    expect(suppressed(complemented)).toEqual([]);
    const oneSmall = plan([cell('total', 12), cell('byRule.UA-5', 2), cell('byRule.UA-7', 10), cell('duplicatesPrevented', 2)], [total('total', ['byRule.UA-5', 'byRule.UA-7']), total('duplicatesPrevented', ['byRule.UA-5'])]);
    expect(suppressed(oneSmall)).toEqual(['byRule.UA-5', 'byRule.UA-7', 'duplicatesPrevented']);
  });

  it('leaves two or more suppressed parts as they are: subtraction gives only their sum', () => {
    expect(suppressed(plan([cell('t', 24), cell('a', 2), cell('b', 3), cell('c', 19)], [total('t', ['a', 'b', 'c'])]))).toEqual(['a', 'b']);
  });

  it('does nothing when the total itself is unknown', () => {
    expect(suppressed(plan([cell('t', 4), cell('a', 1), cell('b', 3)], [total('t', ['a', 'b'])]))).toEqual(['a', 'b', 't']);
    expect(suppressed(plan([cell('#t', 40, 40, 100, 'hidden'), cell('a', 1), cell('b', 39)], [total('#t', ['a', 'b'])]))).toEqual(['a']);
  });

  it('protects across breakdowns sharing a figure until nothing changes (a table with row and column totals)', () => {
    //            x    y    total
    //   r        2   10     12
    //   s       10   12     22
    //   total   12   22     34
    const cells = [cell('r.x', 2), cell('r.y', 10), cell('s.x', 10), cell('s.y', 12), cell('r.t', 12), cell('s.t', 22), cell('x.t', 12), cell('y.t', 22), cell('t', 34)];
    const p = plan(cells, [
      total('r.t', ['r.x', 'r.y']),
      total('s.t', ['s.x', 's.y']),
      total('x.t', ['r.x', 's.x']),
      total('y.t', ['r.y', 's.y']),
      total('t', ['r.t', 's.t']),
      total('t', ['x.t', 'y.t']),
    ]);
    // r.x, then r.y (its row), s.x (its column), and s.y to close the rectangle
    expect(suppressed(p)).toEqual(['r.x', 'r.y', 's.x', 's.y']);
  });
});

describe('figures never published: remainders', () => {
  const received = (accepted: Cell, rejected: Cell, rest: Cell) =>
    plan([cell('received', accepted.value + rejected.value + rest.value, 30), accepted, rejected, rest], [total('received', ['accepted', 'rejected', '#rest'])]);

  it('count as unknown: one suppressed part beside a remainder needs no complement', () => {
    expect(suppressed(received(cell('accepted', 2), cell('rejected', 20), cell('#rest', 8, 8, 100, 'hidden')))).toEqual(['accepted']);
  });

  it('get a complement when small themselves and every other part is published', () => {
    // "one young person of twenty is not in work" is what the total minus the part would say
    expect(suppressed(received(cell('accepted', 9), cell('rejected', 20), cell('#rest', 1, 1, 100, 'hidden')))).toEqual(['accepted']);
  });

  it('may be zero, and a zero remainder in a population of at least k is no secret', () => {
    expect(suppressed(received(cell('accepted', 9), cell('rejected', 20), cell('#rest', 0, 0, 100, 'hidden')))).toEqual([]);
  });

  it('are known once a published figure derived from them gives them away, and then protect nothing', () => {
    // an agency's refusals = UA-7 refusals (behind the published capacity share) + the others
    const agency = (others: number) =>
      plan(
        [cell('refusals', 10 + others), cell('#ua7', 10, 10, 100, 'hidden'), cell('#other', others, others, 100, 'hidden'), cell('received', 50), cell('share', 0, 0)],
        [total('refusals', ['#ua7', '#other'])],
        [derived('share', ['#ua7', 'received'])],
      );
    expect(suppressed(agency(2))).toEqual(['refusals']);
    expect(suppressed(agency(7))).toEqual([]);
  });
});

describe('derived figures', () => {
  it('are suppressed with any figure they are computed from, published or not', () => {
    const share = (inWork: number, known: number) => plan([cell('known', known), cell('inWork', inWork), cell('share', known)], [], [derived('share', ['inWork', 'known'])]);
    expect(suppressed(share(3, 40))).toEqual(['inWork', 'share']);
    expect(suppressed(share(30, 40))).toEqual([]);
    expect(suppressed(plan([cell('#ua7', 2, 2, 100, 'hidden'), cell('received', 50), cell('share', 0, 0)], [], [derived('share', ['#ua7', 'received'])]))).toEqual(['share']);
  });

  it('follow a complementary suppression: all young people but one in work hides the share too', () => {
    const p = plan(
      [cell('known', 20), cell('inWork', 19), cell('#notInWork', 1, 1, 100, 'hidden'), cell('share', 20)],
      [total('known', ['inWork', '#notInWork'])],
      [derived('share', ['inWork', 'known'])],
    );
    expect(suppressed(p)).toEqual(['inWork', 'share']);
  });
});

describe('figures another report publishes (external totals)', () => {
  const column = (rows: number[], totalClients = rows.reduce((a, b) => a + b, 0)) =>
    plan([cell('#total.sent', totalClients, totalClients, 100, 'external'), ...rows.map((n, i) => cell(`${i}.sent`, n))], [total('#total.sent', rows.map((_, i) => `${i}.sent`))]);

  it('make a column a breakdown: one suppressed row gets the next smallest row as complement', () => {
    expect(suppressed(column([2, 30, 8, 12]))).toEqual(['0.sent', '2.sent']);
  });

  it('protect nothing when small themselves (their own report suppresses them)', () => {
    expect(suppressed(column([1, 3]))).toEqual(['0.sent', '1.sent']);
  });
});

describe('the plan itself', () => {
  it('refuses a relation naming a figure never declared, and a figure declared twice', () => {
    expect(() => suppress(plan([cell('a', 1)], [total('t', ['a'])]), K)).toThrow('figure t is used but not declared');
    expect(() => suppress(plan([cell('a', 1)], [], [derived('a', ['b'])]), K)).toThrow('figure b is used but not declared');
    expect(() => suppress(plan([cell('a', 1), cell('a', 2)]), K)).toThrow('figure a is declared twice');
  });

  it('nests, merges and republishes plans', () => {
    const inner = plan([cell('a', 2), cell('b', 9)], [total('b', ['a'])], [derived('a', ['b'])]);
    const nested = nest(inner, ['x']);
    expect(nested.cells.map((c) => c.path)).toEqual([['x', 'a'], ['x', 'b']]);
    expect(nested.breakdowns).toEqual([{ total: ['x', 'b'], parts: [['x', 'a']] }]);
    expect(nested.derivations).toEqual([{ figure: ['x', 'a'], from: [['x', 'b']] }]);
    expect(merge(nested, inner).cells).toHaveLength(4);
    expect(publishOnly(inner, (p) => p[0] === 'b').cells.map((c) => c.kind)).toEqual(['hidden', 'published']);
    expect(publishOnly(inner, () => false, 'external').cells.map((c) => c.kind)).toEqual(['external', 'external']);
  });

  it('counts values and distinct clients in a tally, zero until counted, in the order declared', () => {
    const t = new Tally().declare(['b']).declare(['#h'], 'hidden');
    t.count(['a'], 'c1');
    t.count(['a'], 'c1', 3);
    t.count(['a'], 'c2');
    expect(t.value(['a'])).toBe(5);
    expect([...t.clients(['a'])]).toEqual(['c1', 'c2']);
    expect(t.value(['nothing'])).toBe(0);
    expect(t.cells(7)).toEqual([
      { path: ['b'], value: 0, clients: 0, population: 7, kind: 'published' },
      { path: ['#h'], value: 0, clients: 0, population: 7, kind: 'hidden' },
      { path: ['a'], value: 5, clients: 2, population: 7, kind: 'published' },
    ]);
  });
});

describe('redact', () => {
  it('nulls the suppressed figures of a copy, including keys with dots and array rows', () => {
    const report = { referrals: { sent: 3, byRule: { 'REFERRAL.ILLEGAL_TRANSITION': 2 } }, rows: [{ sent: 1 }, { sent: 9 }] };
    const copy = redact(report, [['referrals', 'byRule', 'REFERRAL.ILLEGAL_TRANSITION'], ['rows', '0', 'sent']]);
    expect(copy).toEqual({ referrals: { sent: 3, byRule: { 'REFERRAL.ILLEGAL_TRANSITION': null } }, rows: [{ sent: null }, { sent: 9 }] });
    expect(report.rows[0].sent).toBe(1);
    expect(() => redact(report, [['referrals', 'nothing']])).toThrow('no figure at referrals.nothing');
  });
});

describe('on random plans', () => {
  /** A plan like a report's: sections with totals, parts (some hidden), and shares. */
  function randomPlan(random: Random): SuppressionPlan {
    const cells: Cell[] = [];
    const breakdowns: Breakdown[] = [];
    const derivations: Derivation[] = [];
    const population = random.pick([0, 1, 3, 4, 5, 8, 40, 200]);
    const sections = 1 + random.int(4);
    for (let s = 0; s < sections; s += 1) {
      const parts = Array.from({ length: 1 + random.int(5) }, (_, i) => {
        const clients = random.pick([0, 0, 1, 2, 4, 5, 6, 10, 30]);
        return cell(`s${s}.p${i}`, clients + random.int(3) * (clients > 0 ? 1 : 0), Math.min(clients, population), population, random.chance(0.2) ? 'hidden' : 'published');
      });
      const sum = parts.reduce((n, p) => n + p.value, 0);
      cells.push(cell(`s${s}.total`, sum, Math.min(population, parts.reduce((n, p) => n + p.clients, 0)), population, random.chance(0.15) ? 'external' : 'published'), ...parts);
      breakdowns.push({ total: [`s${s}`, 'total'], parts: parts.map((p) => p.path) });
      if (random.chance(0.5)) {
        cells.push(cell(`s${s}.share`, 0, 0, population));
        derivations.push({ figure: [`s${s}`, 'share'], from: [random.pick(parts).path, [`s${s}`, 'total']] });
      }
    }
    // a figure in two breakdowns: the first parts of two sections make a cross total
    if (sections > 1) {
      const a = cells.find((c) => c.path.join('.') === 's0.p0')!;
      const b = cells.find((c) => c.path.join('.') === 's1.p0')!;
      cells.push(cell('cross', a.value + b.value, Math.min(population, a.clients + b.clients), population));
      breakdowns.push({ total: ['cross'], parts: [a.path, b.path] });
    }
    return { cells, breakdowns, derivations };
  }

  it('never publishes a small figure, a single unknown sensitive part of a known total, or a share of a sensitive figure', () => {
    const random = new Random(20260114);
    for (let run = 0; run < 2000; run += 1) {
      const p = randomPlan(random);
      const out = new Set(suppress(p, K).map((x) => x.join('.')));
      const at = new Map(p.cells.map((c) => [c.path.join('.'), c]));
      const kind = (name: string) => at.get(name)!.kind ?? 'published';
      const sensitive = (name: string) => out.has(name) || (kind(name) !== 'published' && isSmall(at.get(name)!, K));
      const shown = (name: string) => kind(name) === 'published' && !out.has(name);
      for (const c of p.cells) if (isSmall(c, K) && (c.kind ?? 'published') === 'published') expect(out.has(c.path.join('.'))).toBe(true);
      for (const d of p.derivations) if (d.from.some((f) => sensitive(f.join('.')))) expect(shown(d.figure.join('.'))).toBe(false);
      for (const b of p.breakdowns) {
        const t = b.total.join('.');
        const totalKnown = shown(t) || (kind(t) === 'external' && !isSmall(at.get(t)!, K));
        if (!totalKnown) continue;
        const unknownParts = b.parts.map((x) => x.join('.')).filter((x) => !shown(x));
        // a hidden part may be known through a share; the invariant holds for what is certainly published
        // (a zero total says its parts are zero: no suppression can hide that)
        const zeroTotal = at.get(t)!.value === 0;
        if (unknownParts.length === 1 && !zeroTotal) expect({ breakdown: b, cells: p.cells, part: unknownParts[0], sensitive: sensitive(unknownParts[0]) }).toMatchObject({ sensitive: false });
      }
    }
  });
});
