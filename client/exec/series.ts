/**
 * Pure series helpers for the executive view: last year's curve at any T+ (linear between the
 * event file's points, aligned at T0), the chart columns, and the CSV export with exact integers.
 * No DOM, no Svelte: unit-tested in tests/unit/exec.test.ts.
 *
 * Conventions: the store's series has one bucket per second, `seriesX[i]` its start in seconds
 * since the epoch. Bucket `t` seconds after T0 holds the orders of [T0+t, T0+t+1); "cumulative at
 * T+t" is the sum of the buckets before T+t, so the cumulative of a bucket's row is the value at
 * its end, T+(t+1). Cumulative GMV here counts from T0 (like last year's curve), not the pre-sale.
 */

/** Last year's cumulative GMV by seconds after T0, minor units as decimal strings (EventInfo.lastYear.curve). */
export type LastYearCurve = readonly (readonly [number, string])[];

/** The curve with numbers for drawing (floats: exact below 2^53 minor units, fine for pixels). */
export function curveToNumbers(curve: LastYearCurve): [number, number][] {
  return curve.map(([s, v]) => [s, Number(v)]);
}

function bracket<T>(curve: readonly (readonly [number, T])[], sec: number): [number, number] | number {
  // Returns the index of the point at/clamped, or the pair of indices around `sec`.
  const last = curve.length - 1;
  if (sec <= curve[0]![0]) return 0;
  if (sec >= curve[last]![0]) return last;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (curve[mid]![0] <= sec) lo = mid;
    else hi = mid;
  }
  return [lo, hi];
}

/** Last year's cumulative at `sec` after T0, linear between points, flat outside them; 0 without a curve. */
export function lastYearAt(curve: readonly (readonly [number, number])[], sec: number): number {
  if (curve.length === 0) return 0;
  const b = bracket(curve, sec);
  if (typeof b === 'number') return curve[b]![1];
  const [x0, y0] = curve[b[0]]!;
  const [x1, y1] = curve[b[1]]!;
  return y0 + ((y1 - y0) * (sec - x0)) / (x1 - x0);
}

/**
 * The same, exact in minor units (BigInt), rounded down between points; `sec` is a whole number of
 * seconds. Null without a curve.
 */
export function lastYearAtMinor(curve: LastYearCurve, sec: number): bigint | null {
  if (curve.length === 0) return null;
  const b = bracket(curve, sec);
  if (typeof b === 'number') return BigInt(curve[b]![1]);
  const [x0, s0] = curve[b[0]]!;
  const [x1, s1] = curve[b[1]]!;
  const y0 = BigInt(s0);
  const y1 = BigInt(s1);
  // Integer seconds make this exact: y0 + (y1−y0)·(sec−x0)/(x1−x0), floored (toward −∞ for a falling curve).
  const num = (y1 - y0) * BigInt(Math.round((sec - x0) * 1000));
  const den = BigInt(Math.round((x1 - x0) * 1000));
  let q = num / den;
  if (num % den !== 0n && num < 0n) q -= 1n;
  return y0 + q;
}

/** Index of the first bucket at or after T0 (the series starts 5 min before it). */
export function firstIndexAtT0(seriesX: readonly number[], t0Sec: number): number {
  let lo = 0;
  let hi = seriesX.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (seriesX[mid]! < t0Sec - 1e-6) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Columns of the GMV chart, x in seconds after T0: this year's cumulative since T0 at every whole
 * second up to the last bucket's end (null after it), last year's at the same x, then last year's
 * own points on to `spanSec` so its curve shows what is ahead.
 */
export function gmvChartData(
  seriesX: readonly number[],
  seriesGmv: readonly number[],
  t0Sec: number,
  lastYear: readonly (readonly [number, number])[] | null,
  spanSec: number,
): [number[], (number | null)[], (number | null)[]] {
  const i0 = firstIndexAtT0(seriesX, t0Sec);
  const n = Math.max(0, seriesX.length - i0);
  const xs: number[] = [0];
  const cur: (number | null)[] = [0];
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += seriesGmv[i0 + k]!;
    xs.push(k + 1);
    cur.push(sum);
  }
  const ly = lastYear && lastYear.length > 0 ? lastYear : null;
  if (ly) {
    for (const [s] of ly) {
      if (s > n && s < spanSec) {
        xs.push(s);
        cur.push(null);
      }
    }
  }
  if (spanSec > xs[xs.length - 1]!) {
    xs.push(spanSec);
    cur.push(null);
  }
  const last: (number | null)[] = ly ? xs.map((x) => lastYearAt(ly, x)) : xs.map(() => null);
  return [xs, cur, last];
}

/** Columns of the orders/s chart: x = start of each bucket in seconds after T0 (from T0 − 5 min). */
export function rateChartData(seriesX: readonly number[], seriesOrders: readonly number[], t0Sec: number): [number[], number[]] {
  return [seriesX.map((x) => Math.round((x - t0Sec) * 1000) / 1000), seriesOrders.slice()];
}

export const CSV_HEADER = 't_plus_seconds,orders,gmv_minor,cumulative_gmv_minor,last_year_cumulative_minor';

export interface CsvInput {
  seriesX: readonly number[];
  seriesOrders: readonly number[];
  seriesGmv: readonly number[];
  t0Sec: number;
  /** Last year's curve as in the event (decimal strings); null or empty: the column stays empty. */
  lastYear: LastYearCurve | null;
}

/**
 * One row per second since T0: the bucket's start after T0, its orders and GMV, the cumulative GMV
 * since T0 at its end (BigInt: exact past 2^53) and last year's cumulative at the same instant
 * (linear between the file's points, rounded down). Integers only, `\n` line ends.
 */
export function buildSeriesCsv(input: CsvInput): string {
  const { seriesX, seriesOrders, seriesGmv, t0Sec } = input;
  const ly = input.lastYear && input.lastYear.length > 0 ? input.lastYear : null;
  const lines: string[] = [CSV_HEADER];
  let cum = 0n;
  for (let i = firstIndexAtT0(seriesX, t0Sec); i < seriesX.length; i++) {
    const t = Math.round(seriesX[i]! - t0Sec);
    const gmv = seriesGmv[i]!;
    cum += BigInt(gmv);
    const last = ly ? lastYearAtMinor(ly, t + 1) : null;
    lines.push(`${t},${seriesOrders[i]!},${BigInt(gmv)},${cum},${last === null ? '' : last}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The event's date at T0 in its zone, "2025-11-11". */
export function eventDate(t0Ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(t0Ms);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A file name part from an event name: letters (any script) and digits, runs of the rest as "-". */
export function slug(name: string): string {
  const s = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'event';
}

/** `warroom-<event>-<date>.<ext>`, the date being T0's in the event's zone. */
export function exportFileName(eventName: string, t0Ms: number, timeZone: string, ext: string, suffix = ''): string {
  return `warroom-${slug(eventName)}-${eventDate(t0Ms, timeZone)}${suffix ? `-${suffix}` : ''}.${ext}`;
}
