/**
 * Deterministic order amounts for the producers: varied (1.00 – 9999.99, every minor digit used)
 * so an off-by-a-cent or a float rounding in the server would show in the total, and
 * reproducible from a seed. The producer keeps the exact sum as a BigInt ledger.
 */
import { formatMinor } from '../shared/money';
import { rngUint32 } from '../server/simulate/profile';

const MIN_MINOR = 100; // 1.00
const SPAN = 999_999 - MIN_MINOR + 1; // up to 9999.99

/** A next-amount source: `minor()` draws one amount in minor units, `text()` formats it. */
export class Amounts {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = rngUint32(seed);
  }

  /** An integer amount in minor units (2 minor digits). */
  minor(): number {
    return MIN_MINOR + (this.#next() % SPAN);
  }

  /** "38888.00" form of a minor-unit amount, as the contract wants (no float formatting). */
  static text(minor: number): string {
    return formatMinor(minor, 2);
  }
}
