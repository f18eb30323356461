/**
 * The kiosk watchdog: reloads the page when the data has been stale or offline for too long
 * (continuously), or when the JS heap has grown past a bound (Chromium's `performance.memory`).
 * A reload is a last resort for a wall nobody watches: the socket reconnects by itself, so the
 * bound is long, and reloads are rate-limited across reloads (sessionStorage) so a crash loop
 * cannot hammer the server.
 *
 * Before reloading, a small state is saved under `warroom:kiosk` for the next page load:
 *
 *   main.ts (once, before mounting):
 *     const restored = restoreKioskState();          // reads AND deletes it; null when absent/garbage
 *     const board = new SoundBoard();
 *     startKiosk({ root, store, board, restored });  // re-enables sound when restored.sound
 *
 *   GmvCounter.svelte (the lead wires this): start the roll-up from the last shown value instead
 *   of 0, once, when the first snapshot (first non-null epoch) arrives. In the existing effect,
 *   handle the epoch change BEFORE reading `from`:
 *     let restored: KioskState | null = <from main.ts, e.g. via the live context>;   // plain let
 *     $effect(() => {
 *       const target = store.gmvMinor;
 *       if (store.epoch !== epoch) {
 *         epoch = store.epoch;
 *         const start = counterStartFromRestored(restored, store.epoch, target);
 *         if (store.epoch !== null) restored = null;        // only the first epoch seen after load
 *         const cur = untrack(() => shown);
 *         if (start !== null && start > cur) shown = start;  // resume, then roll the rest
 *         else if (target < cur) shown = target;             // existing rule: a new epoch may be lower
 *       }
 *       const from = untrack(() => shown);
 *       ...unchanged...
 *     });
 *   (`counterStartFromRestored` is null unless the saved epoch equals the new one, and never
 *   above the target, so the counter still never shows more than the truth.)
 */
import type { ConnectionState } from '../live/store.svelte';

export const KIOSK_STATE_KEY = 'warroom:kiosk';
export const LAST_RELOAD_KEY = 'warroom:kiosk:lastReloadMs';
export const MAX_STATE_BYTES = 1024;

export interface KioskState {
  /** Why the watchdog reloaded, for the console / diagnostics. */
  reason: string;
  /** Wall-clock time of the reload, ms since the epoch. */
  atMs: number;
  /** Exact GMV (minor units, decimal string) when the page reloaded; null before any data. */
  gmvMinor: string | null;
  /** The server epoch that GMV belongs to; only the same epoch may resume from it. */
  epoch: string | null;
  /** Whether sound was on. */
  sound: boolean;
}

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

/** Pure decision logic: feed it the observed state at each check, it says whether to reload. */
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
    this.#lastReloadAtMs = now;
    return { reload: reason };
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
}

/** Chromium's non-standard `performance.memory`; null elsewhere. */
export function readHeapBytes(): number | null {
  const mem = (globalThis.performance as { memory?: { usedJSHeapSize?: unknown } } | undefined)?.memory;
  const used = mem?.usedJSHeapSize;
  return typeof used === 'number' && Number.isFinite(used) ? used : null;
}

function defaultStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled
  }
}

/**
 * Checks the store every `checkEveryMs` and reloads when the Watchdog says so, after saving the
 * kiosk state. If the reload time cannot be persisted (no storage), it does not reload at all:
 * the rate limit could not hold across the reload. Returns a disposer.
 */
export function startWatchdog(store: WatchedStore, opts: StartWatchdogOptions = {}, reload: () => void = () => location.reload()): () => void {
  const storage = opts.storage === undefined ? defaultStorage() : opts.storage;
  const now = opts.now ?? Date.now;
  const heapBytes = opts.heapBytes ?? readHeapBytes;
  const log = opts.log ?? ((m: string) => console.warn(`[kiosk] ${m}`));
  const dog = new Watchdog({
    staleLimitMs: opts.staleLimitMs ?? DEFAULT_STALE_LIMIT_MS,
    heapLimitBytes: opts.heapLimitBytes ?? DEFAULT_HEAP_LIMIT_BYTES,
    minReloadIntervalMs: opts.minReloadIntervalMs ?? DEFAULT_MIN_RELOAD_INTERVAL_MS,
    now,
    lastReloadAtMs: readLastReload(storage),
  });

  let stopped = false;
  const timer = setInterval(() => {
    const d = dog.observe({ connection: store.connection, heapBytes: heapBytes() });
    if (d === 'ok') return;
    const state: KioskState = {
      reason: d.reload,
      atMs: now(),
      gmvMinor: store.totals?.gmvMinor ?? null,
      epoch: store.epoch,
      sound: opts.sound?.() ?? false,
    };
    if (!saveForReload(storage, state)) {
      log(`would reload (${d.reload}) but cannot persist the rate limit; not reloading`);
      return;
    }
    log(`reloading: ${d.reload}`);
    stop();
    reload();
  }, opts.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS);

  function stop(): void {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
  }
  return stop;
}

function readLastReload(storage: Storage | null): number | null {
  try {
    const raw = storage?.getItem(LAST_RELOAD_KEY);
    if (raw == null) return null;
    const n = Number(raw);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** Saves the rate-limit time (required) and the state (best effort). */
function saveForReload(storage: Storage | null, state: KioskState): boolean {
  if (!storage) return false;
  try {
    storage.setItem(LAST_RELOAD_KEY, String(state.atMs));
  } catch {
    return false;
  }
  try {
    const s: KioskState = {
      ...state,
      reason: state.reason.slice(0, 200),
      gmvMinor: state.gmvMinor !== null && GMV_RE.test(state.gmvMinor) ? state.gmvMinor : null,
      epoch: state.epoch !== null && state.epoch.length <= 200 ? state.epoch : null,
    };
    const json = JSON.stringify(s);
    if (json.length <= MAX_STATE_BYTES) storage.setItem(KIOSK_STATE_KEY, json);
  } catch {
    // The reload still helps without the restored counter.
  }
  return true;
}

const GMV_RE = /^(0|[1-9]\d{0,39})$/;

/** Validates a parsed value as a KioskState; anything else is null. */
export function parseKioskState(raw: string | null): KioskState | null {
  if (raw === null || raw.length > MAX_STATE_BYTES) return null;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.reason !== 'string' || o.reason.length > 200) return null;
  if (typeof o.atMs !== 'number' || !Number.isFinite(o.atMs)) return null;
  if (!(o.gmvMinor === null || (typeof o.gmvMinor === 'string' && GMV_RE.test(o.gmvMinor)))) return null;
  if (!(o.epoch === null || (typeof o.epoch === 'string' && o.epoch.length <= 200))) return null;
  if (typeof o.sound !== 'boolean') return null;
  return { reason: o.reason, atMs: o.atMs, gmvMinor: o.gmvMinor, epoch: o.epoch, sound: o.sound };
}

/**
 * Reads and deletes the state saved before a watchdog reload; null when there is none or it is
 * not a valid KioskState. Call it once per page load (main.ts). The rate-limit time stays.
 */
export function restoreKioskState(storage: Storage | null | undefined = defaultStorage()): KioskState | null {
  if (!storage) return null;
  try {
    const raw = storage.getItem(KIOSK_STATE_KEY);
    storage.removeItem(KIOSK_STATE_KEY);
    return parseKioskState(raw);
  } catch {
    return null;
  }
}

/**
 * Where the GMV counter should start rolling from after a watchdog reload: the restored GMV when
 * it belongs to the same epoch as the store's first snapshot, never above the current target
 * (the truth wins); null when there is nothing to resume (no state, no GMV, another epoch).
 */
export function counterStartFromRestored(state: KioskState | null, epoch: string | null, targetMinor: bigint): bigint | null {
  if (!state || state.gmvMinor === null || state.epoch === null || state.epoch !== epoch) return null;
  const v = BigInt(state.gmvMinor);
  return v < targetMinor ? v : targetMinor;
}
