/**
 * Reconciliation: recomputes the totals from what the streams retain (XRANGE up to the cursors of
 * a live snapshot) with the same decoding and dedupe rules, and lists every difference from the
 * live state. It checks checkpoints, restarts and replays; the decoder itself is checked by tests.
 */
import type { Redis } from 'ioredis';
import { Aggregator } from './aggregate/aggregator';
import { decodeLogistics, decodeOrdersEntry, decodePayment, decodeTraffic, decodeWeather, entryTimeMs, type DecodeOptions } from './ingest/decode';
import type { StreamKeys } from './redis';
import type { ApiState } from './app';

export interface Difference {
  field: string;
  live: string;
  recomputed: string;
}

export interface ReconcileResult {
  differences: Difference[];
  entriesRead: number;
  recomputed: ReturnType<Aggregator['totals']> & { parcels: ReturnType<Aggregator['parcels']> };
}

const PAGE = 10_000;

/** Reads `key` from the start up to and including `until`, page by page. */
async function* entries(redis: Redis, key: string, until: string): AsyncGenerator<[string, string[]]> {
  if (until === '0') return;
  let from = '-';
  for (;;) {
    const page = await redis.xrange(key, from, until, 'COUNT', PAGE);
    for (const e of page) yield e;
    if (page.length < PAGE) return;
    from = `(${page[page.length - 1]![0]}`;
  }
}

export async function reconcile(redis: Redis, keys: StreamKeys, live: ApiState, decode: DecodeOptions, dedupeWindowMs: number): Promise<ReconcileResult> {
  const agg = new Aggregator({ seriesStartMs: live.series.startMs, milestonesMinor: [], alertDefaultTtlMs: 1, dedupeWindowMs });
  let entriesRead = 0;
  for await (const [id, fields] of entries(redis, keys.orders, live.cursors[keys.orders] ?? '0')) {
    entriesRead++;
    const r = decodeOrdersEntry(id, fields ?? [], decode);
    for (const o of r.orders) agg.applyOrder(o, entryTimeMs(id));
    for (const rej of r.rejections) agg.reject(rej.code);
  }
  for await (const [id, fields] of entries(redis, keys.logistics, live.cursors[keys.logistics] ?? '0')) {
    entriesRead++;
    const r = decodeLogistics(id, fields ?? [], decode);
    if (r.ok) agg.applyLogistics(r.value, entryTimeMs(id));
    else agg.reject(r.rejection.code);
  }
  for await (const [id, fields] of entries(redis, keys.weather, live.cursors[keys.weather] ?? '0')) {
    entriesRead++;
    const r = decodeWeather(id, fields ?? [], decode);
    if (!r.ok) agg.reject(r.rejection.code);
  }
  for await (const [id, fields] of entries(redis, keys.payments, live.cursors[keys.payments] ?? '0')) {
    entriesRead++;
    const r = decodePayment(id, fields ?? [], decode);
    if (r.ok) agg.applyPayment(r.value, entryTimeMs(id));
    else agg.reject(r.rejection.code);
  }
  for await (const [id, fields] of entries(redis, keys.traffic, live.cursors[keys.traffic] ?? '0')) {
    entriesRead++;
    const r = decodeTraffic(id, fields ?? [], decode);
    if (!r.ok) agg.reject(r.rejection.code);
  }
  const t = agg.totals();
  const differences: Difference[] = [];
  const cmp = (field: string, a: unknown, b: unknown): void => {
    if (String(a) !== String(b)) differences.push({ field, live: String(a), recomputed: String(b) });
  };
  cmp('gmvMinor', live.totals.gmvMinor, t.gmvMinor);
  cmp('orders', live.totals.orders, t.orders);
  cmp('duplicates', live.totals.duplicates, t.duplicates);
  const parcels = agg.parcels();
  for (const [stage, n] of Object.entries(parcels)) cmp(`parcels.${stage}`, live.parcels[stage as keyof typeof parcels], n);
  const payments = agg.payments();
  for (const ch of new Set([...Object.keys(payments), ...Object.keys(live.payments)])) {
    cmp(`payments.${ch}.ok`, live.payments[ch]?.ok ?? 0, payments[ch]?.ok ?? 0);
    cmp(`payments.${ch}.failed`, live.payments[ch]?.failed ?? 0, payments[ch]?.failed ?? 0);
  }
  cmp('rejected', live.totals.rejected, t.rejected);
  const liveRej = live.totals.rejectedByReason;
  for (const code of new Set([...Object.keys(liveRej), ...Object.keys(t.rejectedByReason)])) {
    cmp(`rejectedByReason.${code}`, liveRej[code] ?? 0, t.rejectedByReason[code] ?? 0);
  }
  return { differences, entriesRead, recomputed: { ...t, parcels } };
}
