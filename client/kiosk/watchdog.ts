/**
 * The kiosk watchdog: reloads the page when the data has been stale or offline for too long
 * (continuously), or when the JS heap has grown past a bound (Chromium's `performance.memory`).
 * A reload is a last resort for a wall nobody watches: the socket reconnects by itself, so the
 * bound is long, and reloads are rate-limited across reloads (sessionStorage) so a crash loop
 * cannot hammer the server. It never navigates away from the rendered wall while the server does
 * not answer (server-probe.ts): a reload then would leave Chromium's error page on the screen for
 * good, where the wall keeps its last figures with the outage shown and recovers by itself.
 * Before reloading it saves a small state for the next page load (kiosk-state.ts).
 */
import type { ConnectionState } from '../live/store.svelte';
import { probeServer, ReloadGate, type ReloadGateOptions } from './server-probe';
import { defaultStorage, readLastReload, saveForReload, type KioskState } from './kiosk-state';

export {
  KIOSK_STATE_KEY,
  LAST_RELOAD_KEY,
  MAX_STATE_BYTES,
  parseKioskState,
  restoreKioskState,
  counterStartFromRestored,
  type KioskState,
} from './kiosk-state';

export interface WatchdogOptions {
  /** Reload after stale/offline continuously this long. @default 120 s */
  staleLimitMs: number;
  /** Reload when the used JS heap exceeds this. @default 1 GiB */
  heapLimitBytes: number;
  /** Wall clock, ms (persisted reload times must survive a reload, so not performance.now()). */
  now: () => number;
  /** Never reload more often than this. @default 5 min */
  minReloadIntervalMs?: number;
  /** When the previous reload happened (from sessionStorage), or null. */
  lastReloadAtMs?: number | null;
}

export const DEFAULT_STALE_LIMIT_MS = 120_000;
export const DEFAULT_HEAP_LIMIT_BYTES = 1024 ** 3;
export const DEFAULT_MIN_RELOAD_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_CHECK_EVERY_MS = 10_000;

export type WatchdogDecision = 'ok' | { reload: string };

/**
 * Pure decision logic: feed it the observed state at each check, it says whether a reload is
 * wanted (and allowed by the rate limit); call reloading() when it really happens.
 */
export class Watchdog {
  readonly #staleLimitMs: number;
  readonly #heapLimitBytes: number;
  readonly #minReloadIntervalMs: number;
  readonly #now: () => number;
  #lastReloadAtMs: number | null;
  /** Start of the current unbroken stale/offline stretch, or null while not in one. */
  #badSinceMs: number | null = null;

  constructor(opts: WatchdogOptions) {
    this.#staleLimitMs = opts.staleLimitMs;
    this.#heapLimitBytes = opts.heapLimitBytes;
    this.#minReloadIntervalMs = opts.minReloadIntervalMs ?? DEFAULT_MIN_RELOAD_INTERVAL_MS;
    this.#now = opts.now;
    this.#lastReloadAtMs = opts.lastReloadAtMs ?? null;
  }

  observe(state: { connection: ConnectionState; heapBytes: number | null }): WatchdogDecision {
    const now = this.#now();
    // Only 'stale' and 'offline' count; 'live' (and the initial 'connecting') end a stretch.
    if (state.connection === 'stale' || state.connection === 'offline') this.#badSinceMs ??= now;
    else this.#badSinceMs = null;

    let reason: string | null = null;
    if (state.heapBytes !== null && state.heapBytes > this.#heapLimitBytes) {
      reason = `heap ${mib(state.heapBytes)} MiB > ${mib(this.#heapLimitBytes)} MiB`;
    } else if (this.#badSinceMs !== null && now - this.#badSinceMs >= this.#staleLimitMs) {
      reason = `${state.connection} for ${Math.round((now - this.#badSinceMs) / 1000)} s`;
    }
    if (reason === null || !this.#reloadAllowed(now)) return 'ok';
    return { reload: reason };
  }

  /** The reload wanted by observe() is happening now: it counts against the rate limit. */
  reloading(now: number = this.#now()): void {
    this.#lastReloadAtMs = now;
  }

  #reloadAllowed(now: number): boolean {
    if (this.#lastReloadAtMs === null) return true;
    // abs(): a wall clock stepped back must not unlock a reload loop either.
    return Math.abs(now - this.#lastReloadAtMs) >= this.#minReloadIntervalMs;
  }
}

function mib(bytes: number): number {
  return Math.round(bytes / 1024 ** 2);
}

/** What the watchdog reads from the live store (LiveStore fits). */
export interface WatchedStore {
  readonly connection: ConnectionState;
  readonly totals: { readonly gmvMinor: string } | null;
  readonly epoch: string | null;
}

export interface StartWatchdogOptions extends Partial<Omit<WatchdogOptions, 'lastReloadAtMs'>> {
  /** @default 10 s */
  checkEveryMs?: number;
  /** Whether sound is on, saved for the next load. */
  sound?: () => boolean;
  /** Used JS heap in bytes, or null when unknown. @default performance.memory (Chromium) */
  heapBytes?: () => number | null;
  /** @default sessionStorage */
  storage?: Storage | null;
  /** Told why a reload happened (or was wanted but not possible). @default console.warn */
  log?: (msg: string) => void;
  /** Whether our server answers; a reload only goes ahead when it does. @default probeServer() (GET /healthz) */
  probe?: () => Promise<boolean>;
  /** Back-off between probes and how long the server must answer before a reload. */
  gate?: ReloadGateOptions;
}

/** Chromium's non-standard `performance.memory`; null elsewhere. */
export function readHeapBytes(): number | null {
  const mem = (globalThis.performance as { memory?: { usedJSHeapSize?: unknown } } | undefined)?.memory;
  const used = mem?.usedJSHeapSize;
  return typeof used === 'number' && Number.isFinite(used) ? used : null;
}

/**
 * Checks the store every `checkEveryMs`. When the Watchdog wants a reload, it first probes the
 * server (with back-off while it does not answer), and reloads only once the server has answered
 * for `gate.confirmMs` while the wall is still not live, after saving the kiosk state. If the
 * reload time cannot be persisted (no storage), it does not reload at all: the rate limit could
 * not hold across the reload. Returns a disposer.
 */
export function startWatchdog(
  store: WatchedStore,
  opts: StartWatchdogOptions = {},
  reload: () => void = () => location.reload(),
): () => void {
  const storage = opts.storage === undefined ? defaultStorage() : opts.storage;
  const now = opts.now ?? Date.now;
  const heapBytes = opts.heapBytes ?? readHeapBytes;
  const log = opts.log ?? ((m: string) => console.warn(`[kiosk] ${m}`));
  const probe = opts.probe ?? (() => probeServer());
  const gate = new ReloadGate(opts.gate);
  const dog = new Watchdog({
    staleLimitMs: opts.staleLimitMs ?? DEFAULT_STALE_LIMIT_MS,
    heapLimitBytes: opts.heapLimitBytes ?? DEFAULT_HEAP_LIMIT_BYTES,
    minReloadIntervalMs: opts.minReloadIntervalMs ?? DEFAULT_MIN_RELOAD_INTERVAL_MS,
    now,
    lastReloadAtMs: readLastReload(storage),
  });
  const observe = (): WatchdogDecision => dog.observe({ connection: store.connection, heapBytes: heapBytes() });

  let stopped = false;
  let probing = false;
  const timer = setInterval(() => {
    if (probing) return;
    const d = observe();
    if (d === 'ok') {
      gate.reset();
      return;
    }
    if (!gate.due(now())) return;
    probing = true;
    void probe()
      .catch(() => false)
      .then((answered) => {
        probing = false;
        if (stopped) return;
        const { go, retryInMs } = gate.record(answered, now());
        if (!go) {
          const next = Math.round(retryInMs / 1000);
          log(
            answered
              ? `wanted a reload (${d.reload}); the server answers, giving the socket ${next} s to recover first`
              : `wanted a reload (${d.reload}) but the server does not answer: staying on the wall, asking again in ${next} s`,
          );
          return;
        }
        // The wall may have recovered (or got worse) while the probe ran: decide on the state now.
        const again = observe();
        if (again === 'ok') return;
        goAhead(again.reload);
      });
  }, opts.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS);

  function goAhead(reason: string): void {
    const state: KioskState = {
      reason,
      atMs: now(),
      gmvMinor: store.totals?.gmvMinor ?? null,
      epoch: store.epoch,
      sound: opts.sound?.() ?? false,
    };
    if (!saveForReload(storage, state)) {
      log(`would reload (${reason}) but cannot persist the rate limit; not reloading`);
      return;
    }
    dog.reloading(state.atMs);
    log(`reloading: ${reason}`);
    stop();
    reload();
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}
