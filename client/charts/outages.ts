/**
 * Source outages on the per-second charts. Seconds inside an outage were counted late (by event
 * time) or not at all (orders without `ts` count when they were finally written), so the charts
 * shade them, and an empty second inside one is drawn as a gap (unknown), never as a dive to 0.
 * Pure: no DOM but the uPlot canvas handed in; unit-tested in tests/unit/outages.test.ts.
 */
import type uPlot from 'uplot';
import type { Outage } from '../../shared/wire';

/** Outages as [from, to] in seconds since the epoch; an open one runs to `nowMs`. */
export function outageSpans(outages: readonly Outage[], nowMs: number): [number, number][] {
  return outages.map((o) => [o.fromMs / 1000, Math.max(o.fromMs, o.toMs ?? nowMs) / 1000]);
}

/** First index with `xs[i] >= v` (xs ascending). */
function lowerBound(xs: readonly number[], v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The per-second counts with each empty bucket that overlaps an outage as null (a gap in the line).
 * `xs` are the buckets' starts in seconds since the epoch, ascending; a bucket covers [x, x + 1).
 * Returns `ys` itself when no outage touches the data (no copy on the common path).
 */
export function maskOutages(xs: readonly number[], ys: readonly number[], spans: readonly [number, number][]): (number | null)[] {
  let out: (number | null)[] | null = null;
  for (const [from, to] of spans) {
    for (let i = lowerBound(xs, from - 1); i < xs.length && xs[i]! < to; i++) {
      if (xs[i]! + 1 <= from || ys[i] !== 0) continue;
      out ??= ys.slice();
      out[i] = null;
    }
  }
  return out ?? (ys as (number | null)[]);
}

/** Fill of the outage bands: the outage colour (--amber), faint enough to read the line through. */
export const OUTAGE_FILL = 'rgba(255, 176, 32, 0.18)';

/**
 * Shades the spans, given in the chart's x unit, across the plot area. For a `drawClear` hook, so
 * the grid and the line are drawn over it.
 */
export function shadeSpans(u: uPlot, spans: readonly [number, number][], fill = OUTAGE_FILL): void {
  if (spans.length === 0) return;
  const { left, top, width, height } = u.bbox;
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = fill;
  for (const [from, to] of spans) {
    const x0 = Math.max(left, u.valToPos(from, 'x', true));
    const x1 = Math.min(left + width, u.valToPos(to, 'x', true));
    // At least a couple of device pixels, so a short outage on a long night stays visible.
    if (x1 >= left && x0 <= left + width) ctx.fillRect(x0, top, Math.max(2 * devicePixelRatio, x1 - x0), height);
  }
  ctx.restore();
}
