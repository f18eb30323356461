/**
 * Money on the wire and in aggregation: integer minor units, never floats.
 *
 * A single order's amount (≤ 1e12 major units, ≤ 4 minor digits) fits a JS number exactly
 * (< 2^53), so the hot path parses to `number`; running totals use {@link MoneySum}, which
 * folds into a BigInt before a number could lose precision.
 */

/** Largest amount a producer may send, in major units (contract v1). */
export const MAX_AMOUNT_MAJOR = 1_000_000_000_000;

const POW10 = [1, 10, 100, 1000, 10000];

export type AmountError = 'bad_amount' | 'too_many_decimals' | 'amount_out_of_range';

/**
 * Parses a decimal string in major units ("38888.00") into integer minor units.
 * Accepts digits with an optional fraction of at most `minorDigits` digits; no sign, exponent,
 * hex, whitespace or thousands separators. Returns an error code instead of throwing.
 */
export function parseAmountMinor(text: string, minorDigits: number): number | AmountError {
  const len = text.length;
  if (len === 0 || len > 32) return 'bad_amount';
  let intPart = 0;
  let i = 0;
  let intDigits = 0;
  for (; i < len; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    if (intDigits >= 14) return 'amount_out_of_range';
    intPart = intPart * 10 + c;
    intDigits++;
  }
  if (intDigits === 0) return 'bad_amount';
  let frac = 0;
  let fracDigits = 0;
  if (i < len) {
    if (text.charCodeAt(i) !== 46 /* . */) return 'bad_amount';
    i++;
    if (i === len) return 'bad_amount';
    for (; i < len; i++) {
      const c = text.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return 'bad_amount';
      if (++fracDigits > minorDigits) return 'too_many_decimals';
      frac = frac * 10 + c;
    }
  }
  if (intPart > MAX_AMOUNT_MAJOR || (intPart === MAX_AMOUNT_MAJOR && frac > 0)) return 'amount_out_of_range';
  return intPart * POW10[minorDigits]! + frac * POW10[minorDigits - fracDigits]!;
}

/** Formats integer minor units as a plain decimal string in major units: 123450n, 2 → "1234.50". */
export function formatMinor(minor: bigint | number | string, minorDigits: number): string {
  if (typeof minor === 'number' && minorDigits > 0 && minor >= 0 && Number.isSafeInteger(minor)) {
    // Fast path for single amounts (producers format millions per second): integer math only.
    const p = POW10[minorDigits]!;
    const frac = minor % p;
    return `${(minor - frac) / p}.${String(frac).padStart(minorDigits, '0')}`;
  }
  const v = BigInt(minor);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const s = abs.toString().padStart(minorDigits + 1, '0');
  const head = minorDigits === 0 ? s : `${s.slice(0, s.length - minorDigits)}.${s.slice(s.length - minorDigits)}`;
  return neg ? `-${head}` : head;
}

/** Parses a validated major-unit decimal (event file targets) into BigInt minor units; throws on bad input. */
export function majorToMinorBig(text: string, minorDigits: number): bigint {
  const m = /^(\d{1,20})(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal amount: ${JSON.stringify(text)}`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > minorDigits) throw new Error(`more than ${minorDigits} decimals: ${text}`);
  return BigInt(m[1]!) * 10n ** BigInt(minorDigits) + BigInt(frac.padEnd(minorDigits, '0') || '0');
}

const SAFE_HEADROOM = Number.MAX_SAFE_INTEGER - MAX_AMOUNT_MAJOR * 10_000;

/** Exact running sum of non-negative minor-unit amounts: a fast number part folded into a BigInt. */
export class MoneySum {
  #big = 0n;
  #small = 0;

  constructor(initial: bigint = 0n) {
    this.#big = initial;
  }

  /** Adds one amount (an integer ≤ the contract maximum in minor units). */
  add(minor: number): void {
    if (this.#small > SAFE_HEADROOM) {
      this.#big += BigInt(this.#small);
      this.#small = 0;
    }
    this.#small += minor;
  }

  get value(): bigint {
    return this.#big + BigInt(this.#small);
  }
}
