/**
 * Deterministic order amounts for the producers: varied (1.00 – 9999.99, every minor digit used)
 * so an off-by-a-cent or a float rounding in the server would show in the total, and
 * reproducible from a seed. The producer keeps the exact sum as a BigInt ledger.
 */

/** mulberry32: a small, fast, seedable 32-bit PRNG. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const MIN_MINOR = 100; // 1.00
const SPAN = 999_999 - MIN_MINOR + 1; // up to 9999.99

/** A next-amount source: `minor()` draws one amount in minor units, `text()` formats it. */
export class Amounts {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = prng(seed);
  }

  /** An integer amount in minor units (2 minor digits). */
  minor(): number {
    return MIN_MINOR + (this.#next() % SPAN);
  }

  /** "38888.00" form of a minor-unit amount, as the contract wants (no float formatting). */
  static text(minor: number): string {
    const cents = minor % 100;
    return `${(minor - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
  }
}
