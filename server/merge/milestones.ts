/**
 * Milestones on the merged figures. One process knows the order that crossed a threshold and
 * stamps its event time; after a merge no shard has every order in time order, so the crossing is
 * found in the merged per-second series (by event time) instead: `reachedAtMs` is the last
 * millisecond of the second in which the cumulative GMV reached the threshold — exact to the
 * second, never early. GMV outside the series (orders before its start, T0 − 5 min) counts as
 * before it. One pass over the series for every threshold; the running sum is a safe integer
 * (it would need ¥90 trillion to leave that range) and is checked.
 */
import type { Milestone } from '../../shared/domain';
import type { SeriesSlice } from '../../shared/wire';

export function mergedMilestones(thresholds: readonly Milestone[], gmvMinor: bigint, series: SeriesSlice): Milestone[] {
  const out = thresholds.map((m): Milestone => ({ ...m, reachedAtMs: null }));
  const due = out
    .filter((m) => BigInt(m.thresholdMinor) <= gmvMinor)
    .sort((a, b) => (BigInt(a.thresholdMinor) < BigInt(b.thresholdMinor) ? -1 : 1));
  if (due.length === 0) return out;
  let inSeries = 0;
  for (const v of series.gmvMinor) inSeries += v;
  if (!Number.isSafeInteger(inSeries)) throw new Error('series GMV beyond 2^53 minor units');
  let sum = Number(gmvMinor - BigInt(inSeries)); // GMV before the series starts
  const at = due.map((m) => Number(m.thresholdMinor));
  let next = 0;
  const reach = (atMs: number): void => {
    while (next < due.length && sum >= at[next]!) due[next++]!.reachedAtMs = atMs;
  };
  reach(series.startMs);
  for (let i = 0; i < series.gmvMinor.length && next < due.length; i++) {
    sum += series.gmvMinor[i]!;
    reach(series.startMs + (i + 1) * 1000 - 1);
  }
  return out;
}
