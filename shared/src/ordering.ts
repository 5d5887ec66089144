/**
 * Fractional ordering keys: strings that sort between their neighbours, so a
 * move writes one row and two people reordering at once still converge on
 * one order (no renumbering). Digits are base 62 in ASCII order.
 */
export const KEY_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A valid key: digits only, not empty, no trailing zero digit (which would alias a shorter key). */
export const isOrderKey = (key: string): boolean => key.length > 0 && key.length <= 256 && /^[0-9A-Za-z]+$/.test(key) && !key.endsWith('0');

// The digit string of a fraction in (0, 1): a < result < b, with '' meaning 0 and null meaning 1.
function midpoint(a: string, b: string | null): string {
  if (b !== null) {
    let n = 0;
    while ((a[n] ?? '0') === b[n]) n += 1;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const lo = a ? KEY_DIGITS.indexOf(a[0] ?? '0') : 0;
  const hi = b !== null ? KEY_DIGITS.indexOf(b[0] ?? '0') : KEY_DIGITS.length;
  if (hi - lo > 1) return KEY_DIGITS[Math.round((lo + hi) / 2)] ?? '';
  // Adjacent digits: keep a's first digit and go one level deeper.
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (KEY_DIGITS[lo] ?? '') + midpoint(a.slice(1), null);
}

/**
 * A key strictly between `a` and `b` (null: open end). Throws when a >= b or
 * when either is not a valid key.
 */
export function keyBetween(a: string | null, b: string | null): string {
  if (a !== null && !isOrderKey(a)) throw new Error(`invalid order key ${a}`);
  if (b !== null && !isOrderKey(b)) throw new Error(`invalid order key ${b}`);
  if (a !== null && b !== null && a >= b) throw new Error(`order keys out of order: ${a} >= ${b}`);
  return midpoint(a ?? '', b);
}
