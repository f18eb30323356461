/**
 * The shape of a Double 11 night, from the published big-screen figures (FIELD-NOTES): ¥10 M at
 * T+1:11, ¥100 M at T+5:00, ¥200 M at T+14:02, ¥500 M at T+38:28, ¥700 M at T+2:00:00, then a
 * slow night and a second wave after breakfast. Pure functions of simulated seconds since T0.
 */

/** Cumulative GMV knots [seconds since T0, major units] at scale 1. */
export const GMV_KNOTS: readonly (readonly [number, number])[] = [
  [0, 0],
  [71, 10_000_000],
  [300, 100_000_000],
  [842, 200_000_000],
  [2308, 500_000_000],
  [7200, 700_000_000],
  [6 * 3600, 900_000_000],
  [8 * 3600, 960_000_000],
  [12 * 3600, 1_400_000_000],
  [24 * 3600, 2_000_000_000],
];

/** Orders per second before T0 (pre-sale deposits, early birds), at scale 1. */
export const PRE_T0_ORDERS_PER_SEC = 3;

/** Median and spread of one order's value (log-normal), in major units. */
export const ORDER_VALUE = { median: 180, sigma: 0.9, max: 50_000 };

/** Mean of the log-normal order value: converts a GMV rate into an order rate. */
export const MEAN_ORDER_VALUE = ORDER_VALUE.median * Math.exp((ORDER_VALUE.sigma * ORDER_VALUE.sigma) / 2);

/**
 * Slopes of a monotone cubic (Fritsch–Carlson) through the knots: the cumulative GMV passes every
 * knot exactly and the rate (its derivative) is continuous, with no cliffs at the knots.
 */
const KNOT_SLOPES: readonly number[] = (() => {
  const n = GMV_KNOTS.length;
  const secant = GMV_KNOTS.slice(1).map(([t, g], i) => (g - GMV_KNOTS[i]![1]) / (t - GMV_KNOTS[i]![0]));
  const m = GMV_KNOTS.map((_, i) => (i === 0 ? secant[0]! : i === n - 1 ? secant[n - 2]! : (secant[i - 1]! + secant[i]!) / 2));
  for (let i = 0; i < n - 1; i++) {
    const d = secant[i]!;
    const a = m[i]! / d;
    const b = m[i + 1]! / d;
    const h = Math.hypot(a, b);
    if (h > 3) {
      m[i] = (3 / h) * a * d;
      m[i + 1] = (3 / h) * b * d;
    }
  }
  return m;
})();

/** The cubic segment that holds `t` (0 ≤ t < the last knot): its knots, width and position in it. */
function segmentAt(t: number) {
  let i = 1;
  while (t >= GMV_KNOTS[i]![0]) i++;
  const [t0, g0] = GMV_KNOTS[i - 1]!;
  const [t1, g1] = GMV_KNOTS[i]!;
  const h = t1 - t0;
  return { g0, g1, h, x: (t - t0) / h, m0: KNOT_SLOPES[i - 1]!, m1: KNOT_SLOPES[i]! };
}

/** GMV per second (major units) at `t` seconds since T0, at scale 1. */
export function gmvRate(t: number): number {
  if (t < 0) return PRE_T0_ORDERS_PER_SEC * MEAN_ORDER_VALUE;
  const last = GMV_KNOTS.length - 1;
  if (t >= GMV_KNOTS[last]![0]) return KNOT_SLOPES[last]!;
  const { g0, g1, h, x, m0, m1 } = segmentAt(t);
  // Derivative of the cubic Hermite segment.
  return (6 * x - 6 * x * x) * ((g1 - g0) / h) + (3 * x * x - 4 * x + 1) * m0 + (3 * x * x - 2 * x) * m1;
}

/** Cumulative GMV (major units) at `t` seconds since T0, at scale 1 (0 before T0). */
export function cumulativeGmv(t: number): number {
  if (t <= 0) return 0;
  const last = GMV_KNOTS.length - 1;
  if (t >= GMV_KNOTS[last]![0]) return GMV_KNOTS[last]![1] + (t - GMV_KNOTS[last]![0]) * KNOT_SLOPES[last]!;
  const { g0, g1, h, x, m0, m1 } = segmentAt(t);
  const h00 = 2 * x ** 3 - 3 * x ** 2 + 1;
  const h10 = x ** 3 - 2 * x ** 2 + x;
  const h01 = -2 * x ** 3 + 3 * x ** 2;
  const h11 = x ** 3 - x ** 2;
  return h00 * g0 + h10 * h * m0 + h01 * g1 + h11 * h * m1;
}

/** Orders per second at `t` seconds since T0. */
export function orderRate(t: number, scale: number): number {
  return (gmvRate(t) / MEAN_ORDER_VALUE) * scale;
}

/** Logistics stages trail orders: parcels per order reaching each stage, and the delay (s). */
export const LOGISTICS_LAGS = [
  { stage: 'picked', delayS: 90, share: 0.9 },
  { stage: 'packed', delayS: 240, share: 0.85 },
  { stage: 'dispatched', delayS: 480, share: 0.7 },
  { stage: 'delivered', delayS: 6 * 3600, share: 0.5 },
] as const;

/** Seeded PRNG (mulberry32) of 32-bit unsigned integers: the same seed gives the same sequence. */
export function rngUint32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Seeded PRNG of floats in [0, 1): the same seed gives the same night. */
export function rng(seed: number): () => number {
  const next = rngUint32(seed);
  return () => next() / 4294967296;
}

/** One order value in minor units (2 digits), log-normal around the median. */
export function orderValueMinor(rand: () => number): number {
  const u1 = Math.max(rand(), 1e-12);
  const u2 = rand();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const v = Math.min(ORDER_VALUE.max, ORDER_VALUE.median * Math.exp(ORDER_VALUE.sigma * z));
  return Math.max(100, Math.round(v * 100));
}
