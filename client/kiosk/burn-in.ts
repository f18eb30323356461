/**
 * Burn-in protection for the static layer: every period the layer moves to the next offset of a
 * fixed, closed path of small offsets (design pixels), via CSS custom properties on `el`:
 *
 *   --burn-x, --burn-y   unitless design pixels, e.g. "2" and "-1"
 *
 * The layout applies them, e.g.
 *   transform: translate(calc(var(--burn-x, 0) * var(--u)), calc(var(--burn-y, 0) * var(--u)));
 * Custom properties inherit, so setting them on the root reaches any layer below it.
 */

export interface BurnInOptions {
  /** How long each offset is held. @default 120 s */
  periodMs: number;
  /** Largest offset in either axis, design pixels. @default 4 */
  maxPx: number;
}

export const DEFAULT_BURN_IN: BurnInOptions = { periodMs: 120_000, maxPx: 4 };

/**
 * The path in units of maxPx/4: a loop through the centre, then around the edges, so every static
 * edge visits several positions. Consecutive entries (including the wrap to the start) differ.
 */
const PATH: readonly (readonly [number, number])[] = [
  [0, 0],
  [2, 1],
  [4, 0],
  [2, -1],
  [0, -2],
  [-2, -1],
  [-4, 0],
  [-2, 1],
  [0, 2],
  [2, 3],
  [4, 4],
  [3, 2],
  [4, -3],
  [1, -4],
  [-2, -3],
  [-4, -4],
  [-3, -1],
  [-4, 3],
  [-1, 4],
  [-1, 1],
];

export const BURN_IN_STEPS = PATH.length;

/** The offset of step `step` (any integer; the path repeats), in design pixels within ±maxPx. */
export function burnInOffset(step: number, maxPx: number): { x: number; y: number } {
  const i = ((Math.trunc(step) % PATH.length) + PATH.length) % PATH.length;
  const [ux, uy] = PATH[i]!;
  const k = Math.max(0, maxPx) / 4;
  // Round to 1/100 design pixel; +0 turns -0 into 0 so the CSS text is "0".
  const round = (v: number): number => Math.round(v * k * 100) / 100 + 0;
  return { x: round(ux), y: round(uy) };
}

export function shiftAgainstBurnIn(el: HTMLElement, opts: Partial<BurnInOptions> = {}): () => void {
  const { periodMs, maxPx } = { ...DEFAULT_BURN_IN, ...opts };
  let step = 0;
  const apply = (): void => {
    const { x, y } = burnInOffset(step, maxPx);
    el.style.setProperty('--burn-x', String(x));
    el.style.setProperty('--burn-y', String(y));
  };
  apply();
  const timer = setInterval(() => {
    step = (step + 1) % PATH.length;
    apply();
  }, periodMs);
  return () => {
    clearInterval(timer);
    el.style.removeProperty('--burn-x');
    el.style.removeProperty('--burn-y');
  };
}
