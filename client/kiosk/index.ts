/**
 * Kiosk behaviour for the unattended wall, composed in one call:
 *   wake lock (screen stays on), idle cursor (pointer hidden after 3 s), watchdog (reload when
 *   stale/offline ≥ 120 s or heap > 1 GiB, at most once per 5 min, never while the server does
 *   not answer), burn-in shift (static layer
 *   moves by ≤ 4 design px every 2 min via --burn-x/--burn-y on `root`).
 *
 * URL parameters (read from `location.search` unless `search` is passed):
 *   ?kiosk=0      disables all of them (so does `kiosk: false`)
 *   ?wakelock=0   no wake lock
 *   ?cursor=0     cursor stays visible
 *   ?watchdog=0   no automatic reloads
 *   ?watchdogSec=N  the watchdog's stale/offline limit in seconds (default 120; at least 2), for a
 *                 rehearsal or a test; it then checks every N/4 s. A reload still waits for the
 *                 server to answer (server-probe.ts).
 *   ?burnin=0     no burn-in shift
 *
 * Wiring (main.ts):
 *   const restored = restoreKioskState();         // once, before anything else reads it
 *   const board = new SoundBoard();
 *   const stop = startKiosk({ root: document.documentElement, store, board, restored });
 */
import type { LiveView } from '../live/store.svelte';
import type { SoundBoard } from './sound.svelte';
import { keepAwake } from './wake-lock';
import { hideIdleCursor } from './idle-cursor';
import { shiftAgainstBurnIn, type BurnInOptions } from './burn-in';
import { DEFAULT_CHECK_EVERY_MS, startWatchdog, type KioskState, type StartWatchdogOptions } from './watchdog';

export { keepAwake } from './wake-lock';
export { hideIdleCursor, IDLE_CLASS } from './idle-cursor';
export { shiftAgainstBurnIn, burnInOffset, DEFAULT_BURN_IN, type BurnInOptions } from './burn-in';
export {
  Watchdog,
  startWatchdog,
  restoreKioskState,
  parseKioskState,
  counterStartFromRestored,
  readHeapBytes,
  KIOSK_STATE_KEY,
  LAST_RELOAD_KEY,
  type KioskState,
  type WatchdogOptions,
  type StartWatchdogOptions,
  type WatchdogDecision,
} from './watchdog';
export { probeServer, ReloadGate, type ReloadGateOptions } from './server-probe';
export { SoundBoard } from './sound.svelte';
export { newCues, type CueMemory, type CueDecision } from './cues';

export interface KioskOptions {
  /** Element the cursor class and the --burn-x/--burn-y properties go on. */
  root: HTMLElement;
  store: LiveView;
  board: SoundBoard;
  /** false disables everything, like ?kiosk=0. @default true */
  kiosk?: boolean;
  /** State saved before a watchdog reload (restoreKioskState()); re-enables sound if it was on. */
  restored?: KioskState | null;
  /** Query string to read the switches from. @default location.search */
  search?: string;
  idleCursorMs?: number;
  burnIn?: Partial<BurnInOptions>;
  watchdog?: Omit<StartWatchdogOptions, 'sound'>;
  /** @default () => location.reload() */
  reload?: () => void;
}

/** Which parts are on, from the options and the query string. */
export function kioskSwitches(search: string, kiosk = true): { wakeLock: boolean; cursor: boolean; watchdog: boolean; burnIn: boolean } {
  const p = new URLSearchParams(search);
  const off = (name: string): boolean => p.get(name) === '0' || p.get(name) === 'false';
  const all = kiosk && !off('kiosk');
  return {
    wakeLock: all && !off('wakelock'),
    cursor: all && !off('cursor'),
    watchdog: all && !off('watchdog'),
    burnIn: all && !off('burnin'),
  };
}

/** The watchdog timing from `?watchdogSec=N` (empty when absent or not a number ≥ 2). */
export function watchdogTiming(search: string): Pick<StartWatchdogOptions, 'staleLimitMs' | 'checkEveryMs'> {
  const raw = new URLSearchParams(search).get('watchdogSec');
  const sec = raw === null ? NaN : Number(raw);
  if (!Number.isFinite(sec) || sec < 2) return {};
  const staleLimitMs = Math.round(sec * 1000);
  return { staleLimitMs, checkEveryMs: Math.min(DEFAULT_CHECK_EVERY_MS, Math.round(staleLimitMs / 4)) };
}

export function startKiosk(opts: KioskOptions): () => void {
  const { root, store, board } = opts;
  // The sound setting is the user's, not a kiosk feature: restored even with ?kiosk=0.
  if (opts.restored?.sound) board.enable();
  const search = opts.search ?? (typeof location !== 'undefined' ? location.search : '');
  const on = kioskSwitches(search, opts.kiosk ?? true);
  const stops: (() => void)[] = [];
  if (on.wakeLock) stops.push(keepAwake(root.ownerDocument));
  if (on.cursor) stops.push(hideIdleCursor(root, opts.idleCursorMs));
  if (on.burnIn) stops.push(shiftAgainstBurnIn(root, opts.burnIn));
  if (on.watchdog)
    stops.push(startWatchdog(store, { ...watchdogTiming(search), ...opts.watchdog, sound: () => board.enabled }, opts.reload));
  return () => {
    for (const stop of stops.splice(0).reverse()) stop();
  };
}
