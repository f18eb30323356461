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

/** GMV per second (major units) at `t` seconds since T0, at scale 1. */
export function gmvRate(t: number): number {
  if (t < 0) return PRE_T0_ORDERS_PER_SEC * MEAN_ORDER_VALUE;
  for (let i = 1; i < GMV_KNOTS.length; i++) {
    const [t1, g1] = GMV_KNOTS[i]!;
    const [t0, g0] = GMV_KNOTS[i - 1]!;
    if (t < t1) {
      const slope = (g1 - g0) / (t1 - t0);
      // The first seconds ramp up: the flood takes a moment to arrive.
      return t < 3 && i === 1 ? slope * (0.3 + (0.7 * t) / 3) : slope;
    }
  }
  const [ta, ga] = GMV_KNOTS[GMV_KNOTS.length - 2]!;
  const [tb, gb] = GMV_KNOTS[GMV_KNOTS.length - 1]!;
  return (gb - ga) / (tb - ta);
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

/** Seeded PRNG (mulberry32): the same seed gives the same night. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One order value in minor units (2 digits), log-normal around the median. */
export function orderValueMinor(rand: () => number): number {
  const u1 = Math.max(rand(), 1e-12);
  const u2 = rand();
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const v = Math.min(ORDER_VALUE.max, ORDER_VALUE.median * Math.exp(ORDER_VALUE.sigma * z));
  return Math.max(100, Math.round(v * 100));
}
