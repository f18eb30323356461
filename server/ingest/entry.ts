/**
 * How one decoded entry reaches its stream's part: the two shapes a stream's entries come in (one
 * event per entry, or the orders' single-or-batch form with conflicting retries), written once
 * each, so the stream table (server/streams.ts) picks one per stream instead of a switch per kind.
 * Everything here runs per entry on the hot path: no closures, no allocations beyond the decoder's.
 */
import type { Order } from '../../shared/domain';
import type { PartSink } from '../aggregate/part';
import { decodeOrdersEntry, type DecodeOptions, type Decoded, type Rejection } from './decode';

/** Receives the rejections of an entry (one object, no closure per entry on the hot path). */
export interface Rejecter {
  reject(stream: string, entryId: string, fields: string[], rejection: Rejection): void;
}

/** Decodes one entry of a stream and applies it or rejects it. */
export type EntryIngest<E> = (
  sink: PartSink<E>,
  stream: string,
  entryId: string,
  fields: string[],
  o: DecodeOptions,
  out: Rejecter,
  entryMs: number,
) => void;

/** A stream whose entries carry one event each. */
export function oneEvent<E>(
  decode: (entryId: string, fields: readonly string[], o: DecodeOptions, entryMs: number) => Decoded<E>,
): EntryIngest<E> {
  return (sink, stream, entryId, fields, o, out, entryMs) => {
    const r = decode(entryId, fields, o, entryMs);
    if (r.ok) sink.apply(r.value, entryMs);
    else out.reject(stream, entryId, fields, r.rejection);
  };
}

function conflict(o: Order, index: number | undefined, item: unknown): Rejection {
  const r: Rejection = {
    code: 'conflicting_retry',
    message: `id ${o.id} was counted earlier with another amount; this retry (amount in minor units ${o.amountMinor}) is not counted`,
  };
  if (index !== undefined) {
    r.index = index;
    r.item = item;
  }
  return r;
}

/** The orders stream: one order or a batch, and a retry with another amount recorded as `conflicting_retry` (the first amount stays counted). */
export const ingestOrders: EntryIngest<Order> = (sink, stream, entryId, fields, o, out, entryMs) => {
  const r = decodeOrdersEntry(entryId, fields, o, entryMs);
  for (let i = 0; i < r.orders.length; i++) {
    const order = r.orders[i]!;
    if (sink.apply(order, entryMs) === 'conflict') {
      const at = r.at?.[i];
      out.reject(stream, entryId, fields, conflict(order, at, at === undefined ? undefined : r.items?.[at]));
    }
  }
  for (const rej of r.rejections) out.reject(stream, entryId, fields, rej);
};
