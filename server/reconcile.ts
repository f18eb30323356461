/**
 * Reconciliation: recomputes the totals from what the streams retain (XRANGE up to the cursors of
 * a live snapshot) with the same decoding and dedupe rules, and lists every difference from the
 * live state. It checks checkpoints, restarts and replays; the decoder itself is checked by tests.
 */
import type { Redis } from 'ioredis';
import { Aggregator } from './aggregate/aggregator';
import type { DecodeOptions } from './ingest/decode';
import { entryTimeMs } from './entry-id';
import { judgeFutureId } from './ingest/future';
import { applyEntry, streamKinds, type Rejecter } from './ingest/apply';
import type { StreamKeys } from './redis';
import type { ApiState } from './app';
import { LOGISTICS_STAGES } from '../shared/domain';

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

/**
 * Entries the live server rejected because of when they arrived (an ID ahead of its clock then),
 * as `stream entry`: a recount later cannot judge that, so it takes the live verdict from `wr:dead`.
 */
async function arrivalVerdicts(redis: Redis, deadKey: string): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const [, f] of entries(redis, deadKey, '+')) {
    const at = (name: string): string | undefined => {
      const i = f.indexOf(name);
      return i >= 0 && i % 2 === 0 ? f[i + 1] : undefined;
    };
    if (at('code') === 'id_in_future') out.add(`${at('stream')} ${at('entry')}`);
  }
  return out;
}

/**
 * @param maxFutureMs as the server's `WARROOM_MAX_FUTURE_MS`: entries Redis stamped ahead of the clock
 *   are judged at the snapshot's server time, as the live server judged them at its time
 */
export async function reconcile(
  redis: Redis,
  keys: StreamKeys,
  live: ApiState,
  decode: DecodeOptions,
  dedupeWindowMs: number,
  maxFutureMs = 5 * 60_000,
): Promise<ReconcileResult> {
  const agg = new Aggregator({
    seriesStartMs: live.series.startMs,
    milestonesMinor: [],
    alertDefaultTtlMs: 1,
    dedupeWindowMs,
    flashSkus: live.event.flashSkus ?? [],
  });
  let entriesRead = 0;
  const out: Rejecter = { reject: (_s, _id, _f, rej) => agg.reject(rej.code) };
  const future = await arrivalVerdicts(redis, keys.dead);
  const now = live.serverNowMs;
  for (const [key, kind] of streamKinds(keys)) {
    let prev: string | undefined;
    for await (const [id, fields] of entries(redis, key, live.cursors[key] ?? '0')) {
      entriesRead++;
      let at: number | null = entryTimeMs(id);
      if (at > now + maxFutureMs) at = judgeFutureId(id, at, prev, now);
      prev = id;
      if (at === null || future.has(`${key} ${id}`)) agg.reject('id_in_future');
      else applyEntry(agg, kind, key, id, fields ?? [], decode, out, at);
    }
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
  const d = agg.detail(Infinity);
  const rows = (name: string, liveRows: { key: string }[], mine: { key: string }[], fields: readonly string[]): void => {
    const a = new Map(liveRows.map((r) => [r.key, r as unknown as Record<string, unknown>]));
    const b = new Map(mine.map((r) => [r.key, r as unknown as Record<string, unknown>]));
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      for (const f of fields) cmp(`${name}.${key}.${f}`, a.get(key)?.[f] ?? 0, b.get(key)?.[f] ?? 0);
    }
  };
  if (live.breakdowns) {
    rows('regions', live.breakdowns.regions, d.regions, ['gmvMinor', 'orders']);
    rows('categories', live.breakdowns.categories, d.categories, ['gmvMinor', 'orders']);
    rows('channels', live.breakdowns.channels, d.channels, ['gmvMinor', 'orders']);
    rows('warehouses', live.breakdowns.warehouses, d.warehouses, LOGISTICS_STAGES);
    const flash = (r: { sku: string; sold: number; soldOutAtMs: number | null }[]) =>
      r.map((f) => ({ key: f.sku, sold: f.sold, soldOutAtMs: f.soldOutAtMs }));
    rows('flash', flash(live.breakdowns.flash), flash(d.flash), ['sold', 'soldOutAtMs']);
  }
  cmp('rejected', live.totals.rejected, t.rejected);
  const liveRej = live.totals.rejectedByReason;
  for (const code of new Set([...Object.keys(liveRej), ...Object.keys(t.rejectedByReason)])) {
    cmp(`rejectedByReason.${code}`, liveRej[code] ?? 0, t.rejectedByReason[code] ?? 0);
  }
  return { differences, entriesRead, recomputed: { ...t, parcels } };
}
