/** HTML text and attribute escaping: every value from a user or an API goes through `esc` or `html`. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Markup that is already safe (built by `html`), so nesting does not escape it twice. */
export class Safe {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Part = Safe | string | number | boolean | null | undefined | Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (Array.isArray(part)) return part.map(render).join('');
  if (part instanceof Safe) return part.value;
  return esc(part);
}

/** A tagged template that escapes every interpolated value unless it is `Safe`. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Safe {
  let out = strings[0];
  parts.forEach((p, i) => (out += render(p) + strings[i + 1]));
  return new Safe(out);
}

export function raw(value: string): Safe {
  return new Safe(value);
}
