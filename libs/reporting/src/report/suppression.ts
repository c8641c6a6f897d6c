/*
 * Small-cell suppression, as statistical offices protect published tables.
 *
 * Every figure of a report rests on a set of distinct clients. A figure resting on fewer than k of
 * them could tell an analyst something about one person (which age band the one client referred at
 * 10:04 is in, how long their referral waited for an answer), so it is not published: it is shown
 * as suppressed (null in JSON, `<k` in CSV and on the dashboard). Zero is a figure too — "none of
 * these clients was accepted" is a statement about every client of the population the figure is
 * drawn from (the clients of the total it is a part of, where it is one) — so a zero is published
 * only when that population has at least k clients; a report narrowed to fewer than k clients
 * therefore shows nothing but suppressed figures, the same for one client as for none.
 *
 * Primary suppression alone is not enough where figures add up: if a total and all but one of its
 * parts are published, subtraction gives the missing part back. So a breakdown (total = Σ parts)
 * whose only unknown part is a suppressed one gets a second, complementary suppression: the
 * smallest other published part (a non-zero one first, as a zero protects nothing once guessed,
 * and not one that another breakdown would give straight back), or the total itself when there is
 * no such part to take. Some parts are never published at all
 * (the referrals received but not answered yet, say: the remainder of a breakdown): they count as
 * unknown, unless a published figure derived from them gives them away. A figure derived from
 * others (a share, a sum printed twice) is suppressed when any figure it is computed from is
 * sensitive. The rules are applied until nothing changes.
 */

/** Where a figure sits in a report: the keys from the report's root to it. */
export type Path = readonly string[];

/**
 * `published`: a figure of this report. `hidden`: never published, but part of a breakdown (a
 * remainder) or of a derived figure. `external`: published by another report with the same filters
 * (the partnership total of a per-agency column, say), so an analyst may know it.
 */
export type CellKind = 'published' | 'hidden' | 'external';

export interface Cell {
  readonly path: Path;
  /** The figure's value (a count, or the count it is computed from): complements are the smallest. */
  readonly value: number;
  /** Distinct clients the figure rests on. */
  readonly clients: number;
  /** Distinct clients of the population the figure is drawn from (what a zero speaks about). */
  readonly population: number;
  readonly kind?: CellKind;
}

/** total = Σ parts. */
export interface Breakdown {
  readonly total: Path;
  readonly parts: readonly Path[];
}

/** A figure computed from others (a share, a median of the same rows, a copy of another figure). */
export interface Derivation {
  readonly figure: Path;
  readonly from: readonly Path[];
}

export interface SuppressionPlan {
  readonly cells: readonly Cell[];
  readonly breakdowns: readonly Breakdown[];
  readonly derivations: readonly Derivation[];
}

export const EMPTY_PLAN: SuppressionPlan = { cells: [], breakdowns: [], derivations: [] };

/** Primary suppression: fewer than k clients behind a non-zero figure, or fewer than k in the population at all. */
export function isSmall(cell: Pick<Cell, 'clients' | 'population'>, k: number): boolean {
  return cell.population < k || (cell.clients > 0 && cell.clients < k);
}

const keys = new WeakMap<Path, string>();
function keyOf(path: Path): string {
  let key = keys.get(path);
  if (key === undefined) {
    key = JSON.stringify(path);
    keys.set(path, key);
  }
  return key;
}

/** The published figures of a plan that must not be shown with k as the threshold, in the plan's order. */
export function suppress(plan: SuppressionPlan, k: number): Path[] {
  const cells = new Map<string, Cell>();
  for (const cell of plan.cells) {
    if (cells.has(keyOf(cell.path))) throw new Error(`figure ${cell.path.join('.')} is declared twice`);
    cells.set(keyOf(cell.path), cell);
  }
  const cellAt = (path: Path): Cell => {
    const cell = cells.get(keyOf(path));
    if (!cell) throw new Error(`figure ${path.join('.')} is used but not declared`);
    return cell;
  };
  for (const b of plan.breakdowns) [b.total, ...b.parts].forEach(cellAt);
  for (const d of plan.derivations) [d.figure, ...d.from].forEach(cellAt);

  const kind = (path: Path): CellKind => cellAt(path).kind ?? 'published';
  // A part of a breakdown speaks about the clients of its total: a zero part of a total of two
  // clients says something of both. (A total of none speaks as the total does: its parts are zero.)
  const population = new Map(plan.cells.map((c) => [keyOf(c.path), c.population]));
  for (let pass = 0, narrowed = true; narrowed && pass <= plan.cells.length; pass += 1) {
    narrowed = false;
    for (const b of plan.breakdowns) {
      const total = cellAt(b.total);
      const of = total.clients > 0 ? total.clients : population.get(keyOf(b.total))!;
      for (const part of b.parts) {
        if (of < population.get(keyOf(part))!) {
          population.set(keyOf(part), of);
          narrowed = true;
        }
      }
    }
  }
  const smallCell = (c: Cell): boolean => isSmall({ clients: c.clients, population: population.get(keyOf(c.path))! }, k);
  const small = (path: Path): boolean => smallCell(cellAt(path));
  const suppressed = new Set<string>(plan.cells.filter((c) => (c.kind ?? 'published') === 'published' && smallCell(c)).map((c) => keyOf(c.path)));
  const isSuppressed = (path: Path): boolean => suppressed.has(keyOf(path));
  /** Telling it would tell something about fewer than k clients. */
  const sensitive = (path: Path): boolean => isSuppressed(path) || (kind(path) !== 'published' && small(path));
  /**
   * What an analyst reading this report (and the other reports for the same filters) can know: the
   * published figures not suppressed, the external ones not small, and the hidden ones they give
   * away — an ingredient of a published derived figure, the last unknown part of a known total,
   * the total of known parts — until nothing more follows.
   */
  const knowable = (): Set<string> => {
    const known = new Set<string>(
      plan.cells.filter((c) => ((c.kind ?? 'published') === 'published' ? !isSuppressed(c.path) : c.kind === 'external' && !small(c.path))).map((c) => keyOf(c.path)),
    );
    // A sensitive figure is never taken as known: that it could be learnt is what the complementary
    // suppression below prevents.
    const learn = (path: Path): boolean => !known.has(keyOf(path)) && kind(path) === 'hidden' && !sensitive(path) && known.add(keyOf(path)) !== undefined;
    for (let more = true; more; ) {
      more = false;
      for (const d of plan.derivations) if (known.has(keyOf(d.figure)) && kind(d.figure) === 'published') for (const p of d.from) more = learn(p) || more;
      for (const b of plan.breakdowns) {
        const unknownParts = b.parts.filter((p) => !known.has(keyOf(p)));
        if (known.has(keyOf(b.total)) && unknownParts.length === 1) more = learn(unknownParts[0]) || more;
        if (unknownParts.length === 0) more = learn(b.total) || more;
      }
    }
    return known;
  };
  /**
   * A figure that protects nothing as a complement: another breakdown would give it back at once,
   * its total being known and beyond this report's reach (another report's figure, or one never
   * published but known), and every other part known and beyond reach too.
   */
  const partOf = new Map<string, Breakdown[]>();
  for (const b of plan.breakdowns) for (const p of b.parts) partOf.set(keyOf(p), [...(partOf.get(keyOf(p)) ?? []), b]);
  const exposed = (path: Path, known: ReadonlySet<string>): boolean =>
    (partOf.get(keyOf(path)) ?? []).some((b) => {
      if (kind(b.total) === 'published' || !known.has(keyOf(b.total))) return false;
      return b.parts.every((p) => keyOf(p) === keyOf(path) || (known.has(keyOf(p)) && kind(p) !== 'published'));
    });
  const take = (path: Path): boolean => {
    if (kind(path) !== 'published' || isSuppressed(path)) return false;
    suppressed.add(keyOf(path));
    return true;
  };

  // Each pass suppresses at least one more figure or ends the loop, so it ends within |cells| + 1 passes.
  for (let pass = 0; pass <= plan.cells.length; pass += 1) {
    let changed = false;
    for (const d of plan.derivations) {
      if (d.from.some(sensitive)) changed = take(d.figure) || changed;
    }
    // what is known changes with each suppression, and the next breakdown must see that
    let known = knowable();
    const unknown = (path: Path): boolean => !known.has(keyOf(path));
    for (const b of plan.breakdowns) {
      const unknownParts = b.parts.filter(unknown);
      // the one unknown part of a known total, or an unpublished total of known parts, would be learnt
      const learnt = unknown(b.total) ? (unknownParts.length === 0 && sensitive(b.total) ? b.total : null) : unknownParts.length === 1 ? unknownParts[0] : null;
      if (!learnt || !sensitive(learnt)) continue;
      // a zero is protected only by a non-zero complement: beside zeros, their sum says it is zero
      const protects = (cell: Cell): boolean => cellAt(learnt).value > 0 || cell.value > 0;
      const candidates = b.parts
        .map((path, order) => ({ path, order, cell: cellAt(path) }))
        .filter(({ path, cell }) => kind(path) === 'published' && !isSuppressed(path) && protects(cell))
        .sort((x, y) => Number(x.cell.value === 0) - Number(y.cell.value === 0) || x.cell.value - y.cell.value || x.cell.clients - y.cell.clients || x.order - y.order)
        .map((c) => c.path);
      // the smallest part that protects; else the total; else the smallest part all the same
      const choice = candidates.find((path) => !exposed(path, known)) ?? (kind(b.total) === 'published' && !isSuppressed(b.total) && b.total !== learnt ? b.total : candidates[0]);
      if (choice && take(choice)) {
        changed = true;
        known = knowable();
      }
    }
    if (!changed) break;
  }
  return plan.cells.filter((c) => isSuppressed(c.path)).map((c) => c.path);
}

/** Puts a plan's figures under a prefix, to compose a report's plan from its sections'. */
export function nest(plan: SuppressionPlan, prefix: Path): SuppressionPlan {
  const at = (path: Path): Path => [...prefix, ...path];
  return {
    cells: plan.cells.map((c) => ({ ...c, path: at(c.path) })),
    breakdowns: plan.breakdowns.map((b) => ({ total: at(b.total), parts: b.parts.map(at) })),
    derivations: plan.derivations.map((d) => ({ figure: at(d.figure), from: d.from.map(at) })),
  };
}

export function merge(...plans: readonly SuppressionPlan[]): SuppressionPlan {
  return { cells: plans.flatMap((p) => p.cells), breakdowns: plans.flatMap((p) => p.breakdowns), derivations: plans.flatMap((p) => p.derivations) };
}

/** The same plan with only the figures in `published` published: the others become hidden (or `as`). */
export function publishOnly(plan: SuppressionPlan, published: (path: Path) => boolean, as: CellKind = 'hidden'): SuppressionPlan {
  return { ...plan, cells: plan.cells.map((c) => ((c.kind ?? 'published') === 'published' && !published(c.path) ? { ...c, kind: as } : c)) };
}

/** A copy of `value` with the figure at each path set to null. */
export function redact<T>(value: T, paths: readonly Path[]): T {
  const copy: T = structuredClone(value);
  for (const path of paths) {
    let node: unknown = copy;
    for (const key of path.slice(0, -1)) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    const last = path[path.length - 1];
    if (node === null || typeof node !== 'object' || !(last in node)) throw new Error(`no figure at ${path.join('.')}`);
    (node as Record<string, unknown>)[last] = null;
  }
  return copy;
}

/** Counts per figure with the distinct clients behind each, for building a plan alongside the figures. */
export class Tally {
  private readonly figures = new Map<string, { path: Path; value: number; clients: Set<string>; kind: CellKind }>();

  /** Declares a figure (zero until counted), in the order figures should be listed. */
  declare(path: Path, kind: CellKind = 'published'): this {
    if (!this.figures.has(keyOf(path))) this.figures.set(keyOf(path), { path, value: 0, clients: new Set(), kind });
    return this;
  }

  count(path: Path, clientId: string, n = 1): void {
    const figure = this.declare(path).figures.get(keyOf(path))!;
    figure.value += n;
    figure.clients.add(clientId);
  }

  value(path: Path): number {
    return this.figures.get(keyOf(path))?.value ?? 0;
  }

  clients(path: Path): ReadonlySet<string> {
    return this.figures.get(keyOf(path))?.clients ?? new Set();
  }

  cells(population: number): Cell[] {
    return [...this.figures.values()].map((f) => ({ path: f.path, value: f.value, clients: f.clients.size, population, kind: f.kind }));
  }
}
