/**
 * Brings a saved aggregate state of an older format up to the current one ({@link AGGREGATE_VERSION}),
 * before it is checked (state-check.ts) and restored. Works on unchecked JSON: it only moves fields,
 * so whatever is wrong in them is still there for the check to name.
 *
 * Format 1 (up to the stream table): one flat object, the streams' figures side by side, several
 * of them absent in checkpoints written before they were kept. Format 2: what the streams share,
 * then `parts`, one entry per stream of the stream table (server/streams.ts).
 */
import { isRecord } from '../../shared/dict';
import { AGGREGATE_VERSION } from './state';

/** An empty rolling ring: one of another size than the counter's is ignored on restore, as an absent one was. */
const NO_RING = { secs: [], counts: [] };

/** Format 1 → 2. Fields a format-1 checkpoint lacks (written before they were kept) become their empty value. */
export function upgradeV1(a: Record<string, unknown>): Record<string, unknown> {
  const b = isRecord(a.breakdowns) ? a.breakdowns : {};
  const p = isRecord(a.pairs) ? a.pairs : {};
  return {
    version: 2,
    rejected: a.rejected,
    rejectedByReason: a.rejectedByReason,
    duplicates: a.duplicates,
    outages: a.outages ?? [],
    dedupe: a.dedupe,
    parts: {
      orders: {
        gmvMinor: a.gmvMinor,
        orders: a.orders,
        rolling: a.rolling,
        seriesStartMs: a.seriesStartMs,
        seriesLength: a.seriesLength,
        milestones: a.milestones,
        breakdowns: { regions: b.regions ?? [], categories: b.categories ?? [], channels: b.channels ?? [] },
        pairs: { regionCategory: p.regionCategory ?? [], regionChannel: p.regionChannel ?? [], categoryChannel: p.categoryChannel ?? [] },
        flash: a.flash ?? [],
      },
      logistics: { parcels: a.parcels, warehouses: b.warehouses ?? [], dispatchRolling: a.dispatchRolling ?? NO_RING },
      weather: { alerts: a.alerts },
      // Absent when the checkpoint predates payments (neither figures nor a window): the part starts empty.
      ...(a.payments === undefined && !(isRecord(a.dedupe) && a.dedupe.payments !== undefined)
        ? {}
        : { payments: { channels: a.payments ?? {} } }),
      traffic: { gauge: a.traffic ?? null },
    },
  };
}

const UPGRADES: Record<number, (a: Record<string, unknown>) => Record<string, unknown>> = { 1: upgradeV1 };

/**
 * The saved aggregate in the current format, or a reason it cannot be (not an object, a version
 * unknown to this code: a newer server's, say).
 */
export function upgradeAggregate(a: unknown): Record<string, unknown> | string {
  if (!isRecord(a)) return 'aggregate is not an object';
  let cur = a;
  while (cur.version !== AGGREGATE_VERSION) {
    const step = typeof cur.version === 'number' ? UPGRADES[cur.version] : undefined;
    if (step === undefined) return `aggregate has an unknown version (${String(cur.version)})`;
    cur = step(cur);
  }
  return cur;
}
