/*
 * Two caseworkers type the same person's name differently: case, accents, spacing, hyphens,
 * apostrophes, the order of given name and family name. Duplicate detection compares names in
 * this normal form, so those differences do not make a second record of one person.
 */

// Letters NFKD does not decompose into a base letter and a mark.
const TRANSLITERATIONS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

export function normaliseName(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (c) => TRANSLITERATIONS[c] ?? c)
    // apostrophes join (O'Brien = OBrien); hyphens, dots and commas separate (Mary-Jane = Mary Jane)
    .replace(/['’‘`ʼ]/g, '');
  const words = folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
  return words.sort().join(' ');
}
