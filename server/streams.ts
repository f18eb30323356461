/**
 * The stream table: every stream warroom reads, described once. The key lists, the reader's
 * cursors and dispatch, the aggregator's parts, the dedupe windows and the checkpoint's loops are
 * all derived from it; adding a stream is one row here, its decoder, its aggregate part, its wire
 * field and its widget (docs/architecture.md, "Adding a stream").
 *
 * The names, their order (the reading order: XREAD's keys, the cursors, a recount) and their key
 * suffixes are shared/streams.ts's, so producers' tools and the shard rule (shared/shard.ts) know them
 * too; this table must have a row for each name, and no other.
 */
import type { Snapshot } from '../shared/wire';
import { STREAM_NAMES as NAMES, type StreamName as SharedStreamName } from '../shared/streams';
import { shardKey } from '../shared/shard';
import { decodeLogistics, decodePayment, decodeTraffic, decodeWeather } from './ingest/decode';
import { ingestOrders, oneEvent, type EntryIngest } from './ingest/entry';
import { amountTag } from './aggregate/id-hash';
import type { PartOptions, StreamPart } from './aggregate/part';
import { checkOrders, OrdersPart } from './aggregate/parts/orders';
import { checkLogistics, LogisticsPart } from './aggregate/parts/logistics';
import { checkWeather, WeatherPart } from './aggregate/parts/weather';
import { checkPayments, PaymentsPart } from './aggregate/parts/payments';
import { checkTraffic, TrafficPart } from './aggregate/parts/traffic';

/**
 * How a retried XADD is kept from counting twice. `ids`: each event's id is remembered for the dedupe
 * window (and the window's id hashes are saved with every checkpoint); with `tag`, a retry carrying
 * another value (the tag differs) is a conflict, not a duplicate. `null`: the stream needs none,
 * its events replace (alerts by id, the newest gauge wins).
 */
export type Dedupe<E> = { ids: (e: E) => string; tag?: (e: E) => number } | null;

export interface StreamRow<E, S, P = unknown> {
  /** Decodes an entry (never throws) and hands its events to the stream's part or rejects it. */
  ingest: EntryIngest<E>;
  dedupe: Dedupe<E>;
  /** The stream's part of the aggregate; its `state()` is the stream's part of the checkpoint. */
  part: (o: PartOptions) => P & StreamPart<E, S>;
  /** Checks a saved state of the part (throws BadState naming the first bad place, see aggregate/check.ts). */
  check: (saved: Record<string, unknown>, at: string) => void;
  /** The snapshot field screens read the stream's figures from. */
  wire: keyof Snapshot;
}

function row<E, S, P>(r: StreamRow<E, S, P>): StreamRow<E, S, P> {
  return r;
}

const TABLE = {
  orders: row({
    ingest: ingestOrders,
    dedupe: { ids: (o) => o.id, tag: (o) => amountTag(o.amountMinor) },
    part: (o) => new OrdersPart(o),
    check: checkOrders,
    wire: 'totals',
  }),
  logistics: row({
    ingest: oneEvent(decodeLogistics),
    dedupe: { ids: (e) => e.id },
    part: () => new LogisticsPart(),
    check: checkLogistics,
    wire: 'parcels',
  }),
  weather: row({
    ingest: oneEvent(decodeWeather),
    dedupe: null,
    part: (o) => new WeatherPart(o),
    check: checkWeather,
    wire: 'alerts',
  }),
  payments: row({
    ingest: oneEvent(decodePayment),
    dedupe: { ids: (p) => p.id },
    part: () => new PaymentsPart(),
    check: checkPayments,
    wire: 'payments',
  }),
  traffic: row({
    ingest: oneEvent(decodeTraffic),
    dedupe: null,
    part: () => new TrafficPart(),
    check: checkTraffic,
    wire: 'traffic',
  }),
} satisfies Record<SharedStreamName, unknown>;

export type StreamName = keyof typeof TABLE;
type RowOf<N extends StreamName> = (typeof TABLE)[N];
export type EventOf<N extends StreamName> = RowOf<N> extends StreamRow<infer E, infer _S, infer _P> ? E : never;
export type StateOf<N extends StreamName> = RowOf<N> extends StreamRow<infer _E, infer S, infer _P> ? S : never;
export type PartOf<N extends StreamName> = RowOf<N> extends StreamRow<infer _E, infer _S, infer P> ? P : never;

/** The table, typed so that a row looked up by a generic name keeps its event, state and part types. */
export const STREAMS: { readonly [N in StreamName]: StreamRow<EventOf<N>, StateOf<N>, PartOf<N>> } = TABLE;

/** Stream names in reading order (shared/streams.ts). */
export const STREAM_NAMES: readonly StreamName[] = NAMES;

/** Streams whose ids are deduplicated (and whose id hashes checkpoints keep). */
export const DEDUPE_STREAMS: readonly StreamName[] = STREAM_NAMES.filter((n) => STREAMS[n].dedupe !== null);
export type DedupeStream = StreamName;

/** Streams whose dedupe windows keep a tag per id (and whose checkpoints save the tags beside the hashes). */
export const tagged = (n: StreamName): boolean => STREAMS[n].dedupe?.tag !== undefined;

/** Stream key → name, for the streams warroom reads under `prefix` (unsharded: shard 0 of 1), in reading order. */
export function streamsByKey(prefix: string): Map<string, StreamName> {
  return new Map(STREAM_NAMES.map((n) => [shardKey(prefix, n, 0, 1), n]));
}
