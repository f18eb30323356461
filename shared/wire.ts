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
}

/** Something the room must know that the numbers cannot show by themselves. */
export interface Alarm {
  /** `history_lost`: Redis came back without entries already counted (restart without persistence,
   *  restore of an older snapshot); `history_trimmed`: entries were trimmed before warroom read them. */
  kind: 'history_lost' | 'history_trimmed';
  stream: string;
  /** Server time it was detected. */
  atMs: number;
  detail: string;
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

interface Stamped {
  protocol: number;
  epoch: string;
  seq: number;
  serverNowMs: number;
  tickIntervalMs: number;
}

export interface Snapshot extends Stamped {
  kind: 'snapshot';
  event: EventInfo;
  totals: Totals;
  rates: Rates;
  parcels: ParcelsByStage;
  payments: PaymentsByChannel;
  traffic: TrafficGauge | null;
  alerts: WeatherAlert[];
  milestones: Milestone[];
  series: SeriesSlice;
  source: SourceStatus;
  alarms: Alarm[];
}

/** A small delta; `alerts`, `milestones` and `alarms`, when present, replace the client's lists whole. */
export interface Tick extends Stamped {
  kind: 'tick';
  totals: Totals;
  rates: Rates;
  parcels: ParcelsByStage;
  payments: PaymentsByChannel;
  traffic: TrafficGauge | null;
  series: SeriesSlice;
  source: SourceStatus;
  alerts?: WeatherAlert[];
  milestones?: Milestone[];
  alarms?: Alarm[];
}

export interface ServerToClientEvents {
  snapshot: (s: Snapshot) => void;
  tick: (t: Tick) => void;
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
