/**
 * The stream table: every stream warroom reads, described once. The key lists, the reader's
 * cursors and dispatch, the aggregator's parts, the dedupe windows and the checkpoint's loops are
 * all derived from it; adding a stream is one row here, its decoder, its aggregate part, its wire
 * field and its widget (docs/architecture.md, "Adding a stream").
 *
 * Rows are in reading order: the order of XREAD's keys, of the cursors and of a recount.
 */
import type { Snapshot } from '../shared/wire';
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
  /** The Redis key after `WARROOM_KEY_PREFIX`. */
  key: string;
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
    key: 'orders',
    ingest: ingestOrders,
    dedupe: { ids: (o) => o.id, tag: (o) => amountTag(o.amountMinor) },
    part: (o) => new OrdersPart(o),
    check: checkOrders,
    wire: 'totals',
  }),
  logistics: row({
    key: 'logistics',
    ingest: oneEvent(decodeLogistics),
    dedupe: { ids: (e) => e.id },
    part: () => new LogisticsPart(),
    check: checkLogistics,
    wire: 'parcels',
  }),
  weather: row({
    key: 'weather',
    ingest: oneEvent(decodeWeather),
    dedupe: null,
    part: (o) => new WeatherPart(o),
    check: checkWeather,
    wire: 'alerts',
  }),
  payments: row({
    key: 'payments',
    ingest: oneEvent(decodePayment),
    dedupe: { ids: (p) => p.id },
    part: () => new PaymentsPart(),
    check: checkPayments,
    wire: 'payments',
  }),
  traffic: row({
    key: 'traffic',
    ingest: oneEvent(decodeTraffic),
    dedupe: null,
    part: () => new TrafficPart(),
    check: checkTraffic,
    wire: 'traffic',
  }),
};

export type StreamName = keyof typeof TABLE;
type RowOf<N extends StreamName> = (typeof TABLE)[N];
export type EventOf<N extends StreamName> = RowOf<N> extends StreamRow<infer E, infer _S, infer _P> ? E : never;
export type StateOf<N extends StreamName> = RowOf<N> extends StreamRow<infer _E, infer S, infer _P> ? S : never;
export type PartOf<N extends StreamName> = RowOf<N> extends StreamRow<infer _E, infer _S, infer P> ? P : never;

/** The table, typed so that a row looked up by a generic name keeps its event, state and part types. */
export const STREAMS: { readonly [N in StreamName]: StreamRow<EventOf<N>, StateOf<N>, PartOf<N>> } = TABLE;

/** Stream names in reading order. */
export const STREAM_NAMES = Object.keys(TABLE) as StreamName[];

/** Streams whose ids are deduplicated (and whose id hashes checkpoints keep). */
export const DEDUPE_STREAMS: readonly StreamName[] = STREAM_NAMES.filter((n) => STREAMS[n].dedupe !== null);
export type DedupeStream = StreamName;

/** Streams whose dedupe windows keep a tag per id (and whose checkpoints save the tags beside the hashes). */
export const tagged = (n: StreamName): boolean => STREAMS[n].dedupe?.tag !== undefined;

/** Stream key → name, for the streams warroom reads under `prefix`, in reading order. */
export function streamsByKey(prefix: string): Map<string, StreamName> {
  return new Map(STREAM_NAMES.map((n) => [prefix + STREAMS[n].key, n]));
}
