/**
 * The socket side of the live store: joins, applies snapshots and ticks, resyncs on a gap or a
 * new epoch, measures the clock offset, and marks the data stale when ticks stop arriving (with
 * hysteresis, see staleness.ts). Widgets never see the socket.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Snapshot } from '../../shared/wire';
import type { ConnectionState, LiveStore } from './store.svelte';
import type { ServerClock } from './server-clock.svelte';
import { StalenessGate } from './staleness';

export interface ConnectionOptions {
  /** Server URL; the page's own origin when undefined. */
  url?: string;
  /** Token for the handshake; browsers on the page use the session cookie instead. */
  token?: string;
  /** How often the clock offset is measured again. @default 5 min */
  clockRefreshMs?: number;
  /** What the server's `reload` does. @default () => location.reload() */
  reload?: () => void;
}

type WarroomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class LiveConnection {
  readonly #store: LiveStore;
  readonly #clock: ServerClock;
  readonly #socket: WarroomSocket;
  #resyncing = false;
  readonly #gate = new StalenessGate();
  /** Whether any data has been applied yet (before that the state is connecting/offline). */
  #hadData = false;
  /** Whether the socket failed to connect or dropped since the page loaded. */
  #failed = false;
  #timers: ReturnType<typeof setInterval>[] = [];

  constructor(store: LiveStore, clock: ServerClock, opts: ConnectionOptions = {}) {
    this.#store = store;
    this.#clock = clock;
    // Socket.IO's default transports: long-polling first, then the WebSocket upgrade, so a wall
    // behind a proxy that blocks WebSockets still gets its data.
    const sockOpts = {
      auth: opts.token ? { token: opts.token } : {},
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      randomizationFactor: 0.5,
    };
    this.#socket = opts.url ? io(opts.url, sockOpts) : io(sockOpts);
    const s = this.#socket;
    s.on('connect', () => {
      this.#refresh();
      void this.#measureClock();
    });
    s.on('disconnect', () => this.#onFailure());
    s.on('connect_error', () => this.#onFailure());
    s.on('snapshot', (snap) => this.#onSnapshot(snap));
    s.on('tick', (t) => {
      if (this.#store.applyTick(t) === 'gap') void this.resync();
      else this.#onData();
    });
    s.on('banner', (b) => this.#store.applyBanner(b));
    s.on('event', (e) => this.#store.applyEvent(e));
    const reload = opts.reload ?? (() => location.reload());
    s.on('reload', () => reload());
    this.#timers.push(setInterval(() => this.#refresh(), 100));
    this.#timers.push(setInterval(() => void this.#measureClock(), opts.clockRefreshMs ?? 5 * 60_000));
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', this.#onVisible);
    }
  }

  #onVisible = (): void => {
    if (document.visibilityState === 'visible') {
      void this.#measureClock();
      void this.resync();
    }
  };

  #onSnapshot(snap: Snapshot): void {
    this.#clock.seed(snap.serverNowMs);
    this.#store.applySnapshot(snap);
    this.#gate.tickIntervalMs = snap.tickIntervalMs;
    this.#onData();
  }

  #onData(): void {
    this.#hadData = true;
    this.#gate.message(performance.now());
    this.#refresh();
  }

  #onFailure(): void {
    this.#failed = true;
    this.#refresh();
  }

  /**
   * The connection state shown on screen. Before any data: connecting (or offline once the socket
   * failed). After: live while the data is current; otherwise stale (socket open, no data) or
   * offline (socket down). A dropped socket shows only once the data is old by the gate's rule,
   * so a reconnect within a few seconds flags nothing.
   */
  #refresh(): void {
    const connected = this.#socket.connected;
    let next: ConnectionState;
    if (!this.#hadData) next = connected || !this.#failed ? 'connecting' : 'offline';
    else if (!this.#gate.stale(performance.now())) next = 'live';
    else next = connected ? 'stale' : 'offline';
    this.#store.applyConnection(next);
  }

  /** Asks for a fresh snapshot; concurrent calls share one request. */
  async resync(): Promise<void> {
    if (this.#resyncing || !this.#socket.connected) return;
    this.#resyncing = true;
    try {
      const snap = await this.#socket.timeout(5000).emitWithAck('resync');
      this.#onSnapshot(snap);
    } catch {
      // No answer: the stale check shows it, and the next tick's gap asks again.
    } finally {
      this.#resyncing = false;
    }
  }

  async #measureClock(): Promise<void> {
    if (!this.#socket.connected) return;
    await this.#clock.measure(() => this.#socket.timeout(2000).emitWithAck('time'));
  }

  close(): void {
    for (const t of this.#timers) clearInterval(t);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.#onVisible);
    this.#socket.close();
  }
}
