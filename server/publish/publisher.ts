/**
 * Publish: a snapshot for every client that joins or asks, then ticks at a fixed cadence whatever
 * the ingest rate. Ticks are volatile (a client that misses one sees the `seq` gap and resyncs);
 * snapshots are not.
 */
import type { Server } from 'socket.io';
import { ResyncQueue } from './outbound';
import type { Aggregator } from '../aggregate/aggregator';
import type { EventInfo } from '../../shared/domain';
import {
  PROTOCOL_VERSION,
  type Alarm,
  type Banner,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type Snapshot,
  type SourceStatus,
  type Tick,
} from '../../shared/wire';

export interface PublisherOptions {
  tickIntervalMs: number;
  /** The current epoch: it changes when the state starts over (history lost), and clients resync. */
  epoch: () => string;
  /** The event as screens see it now (the admin may shift T0 or edit goals). */
  event: () => EventInfo;
  /** The takeover banner, if one is up. */
  banner: () => Banner | null;
  /** Active alarms and a version that changes with them. */
  alarms: () => { list: Alarm[]; version: number };
  /** False while this node has no count to show (a standby): joiners get no snapshot until it has. @default always */
  live?: () => boolean;
}

export class Publisher {
  readonly #io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** The aggregator counting now (replaced when the process takes over and resumes). */
  readonly #agg: () => Aggregator;
  readonly #source: () => SourceStatus;
  readonly #opts: PublisherOptions;
  readonly #now: () => number;
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #alertsSent = -1;
  #milestonesSent = -1;
  #alarmsSent = -1;
  #outagesSent = -1;
  #detailSentMs = -Infinity;
  readonly #resyncs = new ResyncQueue(() => this.snapshot());
  /** Server time of the last tick sent (for health). */
  lastTickMs: number | null = null;

  constructor(
    io: Server<ClientToServerEvents, ServerToClientEvents>,
    agg: () => Aggregator,
    source: () => SourceStatus,
    opts: PublisherOptions,
    now: () => number,
  ) {
    this.#io = io;
    this.#agg = agg;
    this.#source = source;
    this.#opts = opts;
    this.#now = now;
    const live = opts.live ?? (() => true);
    io.on('connection', (socket) => {
      // A standby's screens wait (shown as not live); the first tick after a takeover makes them resync.
      if (live()) socket.emit('snapshot', this.snapshot());
      // One resync per socket at a time, never queued behind a transport that is not writable.
      socket.on('resync', (ack) => {
        if (typeof ack === 'function' && live()) this.#resyncs.ask(socket, ack);
      });
      socket.on('time', (ack) => {
        if (typeof ack === 'function') ack(this.#now());
      });
    });
  }

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), this.#opts.tickIntervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #stamp(now: number) {
    return {
      protocol: PROTOCOL_VERSION,
      epoch: this.#opts.epoch(),
      seq: this.#seq,
      serverNowMs: now,
      tickIntervalMs: this.#opts.tickIntervalMs,
    };
  }

  /** The full state, as sent on join, on `resync` and by `GET /api/state`. */
  snapshot(): Snapshot {
    const now = this.#now();
    const agg = this.#agg();
    agg.advance(now); // the series reaches now, expired alerts go: the reads below change nothing
    return {
      kind: 'snapshot',
      ...this.#stamp(now),
      event: this.#opts.event(),
      totals: agg.totals(),
      rates: agg.rates(now),
      parcels: agg.parcels(),
      payments: agg.payments(),
      traffic: agg.traffic(),
      alerts: agg.activeAlerts(now),
      milestones: agg.milestones(),
      series: agg.series.all(),
      outages: agg.outages.list(),
      source: this.#source(),
      alarms: this.#opts.alarms().list,
      detail: agg.detail(),
      banner: this.#opts.banner(),
    };
  }

  /** Builds and broadcasts one tick. */
  tick(): Tick {
    this.#resyncs.serve();
    const now = this.#now();
    const agg = this.#agg();
    this.#seq++;
    agg.advance(now); // the series reaches now, expired alerts go: the reads below change nothing
    const alerts = agg.activeAlerts(now);
    const t: Tick = {
      kind: 'tick',
      ...this.#stamp(now),
      totals: agg.totals(),
      rates: agg.rates(now),
      parcels: agg.parcels(),
      payments: agg.payments(),
      traffic: agg.traffic(),
      series: agg.series.takeChanges(),
      source: this.#source(),
    };
    if (agg.alertsVersion !== this.#alertsSent) {
      t.alerts = alerts;
      this.#alertsSent = agg.alertsVersion;
    }
    const alarms = this.#opts.alarms();
    if (alarms.version !== this.#alarmsSent) {
      t.alarms = alarms.list;
      this.#alarmsSent = alarms.version;
    }
    if (agg.outages.version !== this.#outagesSent) {
      t.outages = agg.outages.list();
      this.#outagesSent = agg.outages.version;
    }
    if (agg.milestonesVersion !== this.#milestonesSent) {
      t.milestones = agg.milestones();
      this.#milestonesSent = agg.milestonesVersion;
    }
    // The breakdowns are the biggest part of the state and change with every order: once a second.
    if (now - this.#detailSentMs >= 1000) {
      t.detail = agg.detail();
      this.#detailSentMs = now;
    }
    this.#io.volatile.emit('tick', t);
    this.lastTickMs = now;
    return t;
  }
}
