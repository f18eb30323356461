/**
 * One entry of one stream: decode at the trust boundary, then apply to the aggregate or reject.
 * Shared by ingest and reconciliation, so both judge every entry by the very same rules.
 */
import type { Aggregator } from '../aggregate/aggregator';
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

export function applyEntry(agg: Aggregator, kind: StreamKind, stream: string, entryId: string, fields: string[], o: DecodeOptions, out: Rejecter): void {
  switch (kind) {
    case 'orders': {
      const r = decodeOrdersEntry(entryId, fields, o);
      if (r.orders.length > 0) {
        const entryMs = entryTimeMs(entryId);
        for (const order of r.orders) agg.applyOrder(order, entryMs);
      }
      for (const rej of r.rejections) out.reject(stream, entryId, fields, rej);
      return;
    }
    case 'logistics': {
      const r = decodeLogistics(entryId, fields, o);
      if (r.ok) agg.applyLogistics(r.value, entryTimeMs(entryId));
      else out.reject(stream, entryId, fields, r.rejection);
      return;
    }
    case 'weather': {
      const r = decodeWeather(entryId, fields, o);
      if (r.ok) agg.applyWeather(r.value);
      else out.reject(stream, entryId, fields, r.rejection);
      return;
    }
    case 'payments': {
      const r = decodePayment(entryId, fields, o);
      if (r.ok) agg.applyPayment(r.value, entryTimeMs(entryId));
      else out.reject(stream, entryId, fields, r.rejection);
      return;
    }
    case 'traffic': {
      const r = decodeTraffic(entryId, fields, o);
      if (r.ok) agg.applyTraffic(r.value);
      else out.reject(stream, entryId, fields, r.rejection);
    }
  }
}
