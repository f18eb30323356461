/**
 * One entry of one stream: decode at the trust boundary, then apply to the aggregate or reject.
 * Shared by ingest and reconciliation, so both judge every entry by the very same rules.
 */
import type { Aggregator } from '../aggregate/aggregator';
import type { Order } from '../../shared/domain';
import type { StreamKeys } from '../redis';
import { decodeLogistics, decodeOrdersEntry, decodePayment, decodeTraffic, decodeWeather, entryTimeMs, type DecodeOptions, type Rejection } from './decode';

export type StreamKind = 'orders' | 'logistics' | 'weather' | 'payments' | 'traffic';

/** Receives the rejections of {@link applyEntry} (one object, no closure per entry on the hot path). */
export interface Rejecter {
  reject(stream: string, entryId: string, fields: string[], rejection: Rejection): void;
}

/** Stream key → kind, for the streams warroom reads. */
export function streamKinds(keys: StreamKeys): Map<string, StreamKind> {
  return new Map<string, StreamKind>([
    [keys.orders, 'orders'],
    [keys.logistics, 'logistics'],
    [keys.weather, 'weather'],
    [keys.payments, 'payments'],
    [keys.traffic, 'traffic'],
  ]);
}

/** Bytes of an entry's field names and values (exact only when it could be near `limit`: UTF-16 length ≤ UTF-8 bytes ≤ 3 × it). */
export function entryBytes(fields: readonly string[], limit: number): number {
  let n = 0;
  for (const f of fields) n += f.length;
  if (n * 3 <= limit) return n;
  n = 0;
  for (const f of fields) n += Buffer.byteLength(f);
  return n;
}

function conflict(o: Order, index: number | undefined, item: unknown): Rejection {
  const r: Rejection = { code: 'conflicting_retry', message: `id ${o.id} was counted earlier with another amount; this retry (amount in minor units ${o.amountMinor}) is not counted` };
  if (index !== undefined) {
    r.index = index;
    r.item = item;
  }
  return r;
}

/**
 * Judges one entry and applies it or rejects it.
 * @param entryMs the entry's time as ingest judges it: the ID's time, or the server's time for an ID
 *   Redis stamped ahead of the clock (see `future.ts`)
 */
export function applyEntry(agg: Aggregator, kind: StreamKind, stream: string, entryId: string, fields: string[], o: DecodeOptions, out: Rejecter, entryMs = entryTimeMs(entryId)): void {
  const size = entryBytes(fields, o.maxEntryBytes);
  if (size > o.maxEntryBytes) {
    out.reject(stream, entryId, fields, { code: 'entry_too_large', message: `the entry has ${size} bytes, at most ${o.maxEntryBytes} are read` });
    return;
  }
  switch (kind) {
    case 'orders': {
      const r = decodeOrdersEntry(entryId, fields, o, entryMs);
      for (let i = 0; i < r.orders.length; i++) {
        const order = r.orders[i]!;
        // A retry with another amount: the first amount stays counted, the retry is recorded and shown.
        if (agg.applyOrder(order, entryMs) === 'conflict') {
          const at = r.at?.[i];
          out.reject(stream, entryId, fields, conflict(order, at, at === undefined ? undefined : r.items?.[at]));
        }
      }
      for (const rej of r.rejections) out.reject(stream, entryId, fields, rej);
      return;
    }
    case 'logistics': {
      const r = decodeLogistics(entryId, fields, o, entryMs);
      if (r.ok) agg.applyLogistics(r.value, entryMs);
      else out.reject(stream, entryId, fields, r.rejection);
      return;
    }
    case 'weather': {
      const r = decodeWeather(entryId, fields, o, entryMs);
      if (r.ok) agg.applyWeather(r.value);
      else out.reject(stream, entryId, fields, r.rejection);
      return;
    }
    case 'payments': {
      const r = decodePayment(entryId, fields, o, entryMs);
      if (r.ok) agg.applyPayment(r.value, entryMs);
      else out.reject(stream, entryId, fields, r.rejection);
      return;
    }
    case 'traffic': {
      const r = decodeTraffic(entryId, fields, o, entryMs);
      if (r.ok) agg.applyTraffic(r.value);
      else out.reject(stream, entryId, fields, r.rejection);
    }
  }
}
