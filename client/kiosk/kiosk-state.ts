/**
 * The small state the watchdog saves before a reload, for the next page load (sessionStorage).
 *
 * It lives under `warroom:kiosk`. Wiring:
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

export function defaultStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled
  }
}

export function readLastReload(storage: Storage | null): number | null {
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
export function saveForReload(storage: Storage | null, state: KioskState): boolean {
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
