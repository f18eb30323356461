/**
 * One entry of one stream: decode at the trust boundary, then apply to the aggregate or reject.
 * Shared by ingest and reconciliation, so both judge every entry by the very same rules. Which
 * decoder and which part is the stream table's business (server/streams.ts); here only what every
 * stream shares: the size limit.
 */
import type { Aggregator } from '../aggregate/aggregator';
import type { StreamKeys } from '../redis';
import { STREAM_NAMES, STREAMS, type StreamName } from '../streams';
import type { DecodeOptions } from './decode';
import { entryTimeMs } from '../entry-id';
import type { Rejecter } from './entry';

export type { Rejecter } from './entry';
export type StreamKind = StreamName;

/** Stream key → kind, for the streams warroom reads, in reading order. */
export function streamKinds(keys: StreamKeys): Map<string, StreamKind> {
  return new Map(STREAM_NAMES.map((n) => [keys[n], n]));
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

/**
 * Judges one entry and applies it or rejects it.
 * @param entryMs the entry's time as ingest judges it: the ID's time, or the server's time for an ID
 *   Redis stamped ahead of the clock (see `future.ts`)
 */
export function applyEntry<K extends StreamKind>(
  agg: Aggregator,
  kind: K,
  stream: string,
  entryId: string,
  fields: string[],
  o: DecodeOptions,
  out: Rejecter,
  entryMs = entryTimeMs(entryId),
): void {
  const size = entryBytes(fields, o.maxEntryBytes);
  if (size > o.maxEntryBytes) {
    out.reject(stream, entryId, fields, {
      code: 'entry_too_large',
      message: `the entry has ${size} bytes, at most ${o.maxEntryBytes} are read`,
    });
    return;
  }
  STREAMS[kind].ingest(agg.sink(kind), stream, entryId, fields, o, out, entryMs);
}
