/**
 * The Socket.IO wire contract, used as generics by both ends.
 *
 * A client receives one `snapshot` when it joins, then `tick`s at a fixed cadence. Every message
 * carries `epoch` (changes when the server's state starts over) and `seq` (one more per tick).
 * A gap in `seq` or a new `epoch` makes the client ask for a fresh snapshot with `resync`.
 */
import type { EventInfo, Milestone, ParcelsByStage, PaymentsByChannel, TrafficGauge, WeatherAlert } from './domain';

export const PROTOCOL_VERSION = 1;

/** Exact counters. */
export interface Totals {
  /** GMV in minor units, a decimal integer string (may exceed 2^53). */
  gmvMinor: string;
  orders: number;
  /** Entries (or orders inside batches) sent to the dead-letter stream. */
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Valid entries whose id was already counted within the dedupe window (retried XADDs). */
  duplicates: number;
}

/** Orders counted in complete seconds before `serverNowMs`, by event time. */
export interface Rates {
  last1s: number;
  last10s: number;
  last60s: number;
  /** Parcels dispatched in the last 60 complete seconds, by event time. */
  dispatched60s: number;
}

/** Key of the row that sums the entries without the field (no region, no channel, ...). */
export const NONE_KEY = '(none)';
/** Key of the row that sums every key past the tracked (or shown) ones. */
export const OTHER_KEY = '(other)';

/** Exact GMV and orders for one region / category / channel. */
export interface BreakdownRow {
  key: string;
  gmvMinor: string;
  orders: number;
}

/** Parcels of one warehouse by stage; its backlog is picked − dispatched. */
export interface WarehouseRow {
  key: string;
  picked: number;
  packed: number;
  dispatched: number;
  delivered: number;
}

/** One flash-sale SKU of the event file: units sold, and when the stock ran out. */
export interface FlashRow {
  sku: string;
  sold: number;
  /** Event time of the order that sold the last unit; null while in stock. */
  soldOutAtMs: number | null;
}

/**
 * Breakdowns for rankings, the map, warehouses and flash SKUs. Regions are all sent; categories,
 * channels and warehouses are cut to the top rows plus one `(other)` row, so every list still
 * sums to the totals.
 */
export interface Detail {
  regions: BreakdownRow[];
  categories: BreakdownRow[];
  channels: BreakdownRow[];
  warehouses: WarehouseRow[];
  flash: FlashRow[];
}

/**
 * The admin's takeover message on every screen until `untilMs` (set through the admin API, carried
 * here). Text is untrusted on screen: rendered as text.
 */
export interface Banner {
  text: string;
  untilMs: number;
  by: string;
}

/**
 * Something the room must know that the numbers cannot show by themselves: why the server cannot prove a number is complete. `history_lost`: Redis came back without entries
 * already counted; `history_trimmed`: entries were trimmed before warroom read them;
 * `redis_emptied`: Redis was flushed or restarted empty (the server's marker vanished);
 * `recount_incomplete`: a recount from the streams (checkpoint missing or corrupt) could not see
 * the whole history; `checkpoint_corrupt`: the saved checkpoint was unusable; `checkpoint_failing`:
 * checkpoints have been failing for a while (a restart would re-read more, or lose state);
 * `id_in_future`: a producer wrote entry IDs ahead of the server clock; `entry_too_large`: an entry
 * too large to read was stepped over; `config_garbage`: a stored override (banner, event) was
 * unreadable and ignored; `currency_changed`: saved state and the event file disagree.
 */
export type AlarmKind =
  | 'history_lost'
  | 'history_trimmed'
  | 'redis_emptied'
  | 'recount_incomplete'
  | 'checkpoint_corrupt'
  | 'checkpoint_failing'
  | 'id_in_future'
  | 'entry_too_large'
  | 'config_garbage'
  | 'currency_changed';

export interface Alarm {
  /** Stable id (acknowledgement refers to it). */
  id: string;
  kind: AlarmKind;
  /** The stream or key concerned; '' when none. */
  stream: string;
  /** Server time it was detected. */
  atMs: number;
  detail: string;
  /** Server time an admin acknowledged it, and who; null while it is active (shown, health 503). */
  ackedAtMs: number | null;
  ackedBy: string | null;
}

/** Where the data comes from and whether it is current. */
export interface SourceStatus {
  redis: 'up' | 'down';
  /** Server time since when ingest has not been able to read; null while healthy. */
  staleSinceMs: number | null;
  /** How far ingest was behind the stream's tail at the last read (ms); 0 when caught up. */
  lagMs: number | null;
  /** Entry time (Redis clock) of the newest order entry applied; null before the first. */
  newestOrderEntryMs: number | null;
  /** Stream entries read per second (valid or not), over the last complete second. */
  ingestPerSec: number;
}

/**
 * An interval (server time) during which the server could not read the streams. Its seconds on the
 * per-second charts were counted late, by event time (`ts`), or, for orders without `ts`, not at
 * all: those count when they were finally written. `toMs` is null while it lasts.
 */
export interface Outage {
  fromMs: number;
  toMs: number | null;
}

/**
 * Per-second series since `startMs` (T0 − 5 min), columnar like uPlot's data.
 * In a tick, the arrays replace the buckets from index `from` on.
 */
export interface SeriesSlice {
  startMs: number;
  from: number;
  orders: number[];
  gmvMinor: number[];
}

/**
 * The field groups of the two messages. Like Grafana Live's channel types (and its streaming frames'
 * append / replace actions), each group says what the client does with a field it receives, so a
 * new field is added to the group whose rule it follows and both messages stay consistent:
 *
 *   Stamped       every message   where the message sits: checked, never stored as data
 *   EveryMessage  every message   REPLACES the client's copy
 *   Appended      every message   REPLACES FROM INDEX `from` (appending past the end)
 *   WhenChanged   snapshot: all; tick: only the changed ones   each present field REPLACES whole
 *   JoinOnly      snapshot only   REPLACES; later changes come as their own events
 *
 * Only the types are grouped: the JSON stays flat, with the same field names and values.
 */
interface Stamped {
  protocol: number;
  /** Changes when the server's state starts over: the client drops what it has and resyncs. */
  epoch: string;
  /** One more per tick within an epoch: a gap makes the client resync. */
  seq: number;
  serverNowMs: number;
  tickIntervalMs: number;
}

/**
 * Small, current values sent whole in every message; each REPLACES the client's copy. (The totals
 * are exact counters: within an epoch the client keeps the larger, so they never visibly go back.)
 */
export interface EveryMessage {
  totals: Totals;
  rates: Rates;
  parcels: ParcelsByStage;
  payments: PaymentsByChannel;
  traffic: TrafficGauge | null;
  source: SourceStatus;
}

/**
 * The per-second series, sent in every message; it REPLACES FROM INDEX: the buckets from
 * `series.from` on are overwritten, and new seconds are appended. A snapshot's slice starts at 0
 * (the whole series since `startMs`); a tick's carries the last few seconds that changed.
 */
export interface Appended {
  series: SeriesSlice;
}

/**
 * Lists sent whole in a snapshot, and in a tick only when they changed since the last tick; when
 * present, each REPLACES the client's copy whole. `detail` comes at most once a second (it is the
 * largest part and changes with every order).
 */
export interface WhenChanged {
  alerts: WeatherAlert[];
  milestones: Milestone[];
  alarms: Alarm[];
  /** The newest source outages, oldest first (at most 50). */
  outages: Outage[];
  detail: Detail;
}

/**
 * Sent in the snapshot only; each REPLACES the client's copy. Later changes arrive as their own
 * events (`event`, `banner` in {@link ServerToClientEvents}), which replace it again.
 */
export interface JoinOnly {
  event: EventInfo;
  /** The admin's takeover banner while it lasts. */
  banner: Banner | null;
}

/** The whole state, sent when a client joins or resyncs. */
export interface Snapshot extends Stamped, EveryMessage, Appended, WhenChanged, JoinOnly {
  kind: 'snapshot';
}

/** A small delta at the tick cadence: the changed {@link WhenChanged} lists only. */
export interface Tick extends Stamped, EveryMessage, Appended, Partial<WhenChanged> {
  kind: 'tick';
}

export interface ServerToClientEvents {
  snapshot: (s: Snapshot) => void;
  tick: (t: Tick) => void;
  /** The admin set (or cleared: null) the takeover banner. */
  banner: (b: Banner | null) => void;
  /** The admin asked every screen to reload. */
  reload: () => void;
  /** The event's definition changed (T0 shifted, targets or milestones edited). */
  event: (e: EventInfo) => void;
}

export interface ClientToServerEvents {
  /** Ask for a fresh snapshot (after a gap or a new epoch). */
  resync: (ack: (s: Snapshot) => void) => void;
  /** Clock probe: the server answers with its current time (ms since the epoch). */
  time: (ack: (serverNowMs: number) => void) => void;
}

/** Handshake `auth` payload. */
export interface HandshakeAuth {
  token?: string;
}
