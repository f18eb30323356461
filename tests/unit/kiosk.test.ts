import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Watchdog,
  startWatchdog,
  restoreKioskState,
  parseKioskState,
  counterStartFromRestored,
  KIOSK_STATE_KEY,
  LAST_RELOAD_KEY,
  MAX_STATE_BYTES,
  type KioskState,
  type WatchedStore,
} from '../../client/kiosk/watchdog';
import { newCues, type CueMemory } from '../../client/kiosk/cues';
import { burnInOffset, BURN_IN_STEPS, shiftAgainstBurnIn } from '../../client/kiosk/burn-in';
import { keepAwake } from '../../client/kiosk/wake-lock';
import { kioskSwitches, watchdogTiming } from '../../client/kiosk/index';
import { probeServer } from '../../client/kiosk/server-probe';
import { SoundBoard, MILESTONE_NOTES, SEVERE_NOTES, cueSeconds } from '../../client/kiosk/sound.svelte';
import type { ConnectionState } from '../../client/live/store.svelte';

/** Minimal in-memory Storage. */
class MemStorage implements Storage {
  #m = new Map<string, string>();
  get length(): number {
    return this.#m.size;
  }
  clear(): void {
    this.#m.clear();
  }
  getItem(k: string): string | null {
    return this.#m.get(k) ?? null;
  }
  key(i: number): string | null {
    return [...this.#m.keys()][i] ?? null;
  }
  removeItem(k: string): void {
    this.#m.delete(k);
  }
  setItem(k: string, v: string): void {
    this.#m.set(k, String(v));
  }
}

const MIN = 60_000;
const GiB = 1024 ** 3;

describe('Watchdog decisions', () => {
  let t = 0;
  const dog = (extra: { lastReloadAtMs?: number | null } = {}): Watchdog =>
    new Watchdog({ staleLimitMs: 120_000, heapLimitBytes: GiB, now: () => t, ...extra });
  const obs = (d: Watchdog, connection: ConnectionState, heapBytes: number | null = null) => d.observe({ connection, heapBytes });
  beforeEach(() => {
    t = 1_000_000;
  });

  it('stays ok while live, connecting, or stale for less than the limit', () => {
    const d = dog();
    expect(obs(d, 'connecting')).toBe('ok');
    expect(obs(d, 'live', 100 * 1024 ** 2)).toBe('ok');
    for (let i = 0; i < 12; i++) {
      expect(obs(d, 'stale')).toBe('ok');
      t += 10_000;
    }
    t -= 1; // 119.999 s into the stretch
    expect(obs(d, 'stale')).toBe('ok');
  });

  it('reloads after stale/offline continuously for the limit, with the reason', () => {
    const d = dog();
    obs(d, 'stale');
    t += 60_000;
    obs(d, 'offline');
    t += 60_000; // stale and offline both count, one unbroken stretch
    const r = obs(d, 'offline');
    expect(r).not.toBe('ok');
    expect(r).toEqual({ reload: expect.stringMatching(/offline for 120 s/) });
  });

  it('a live moment resets the stretch', () => {
    const d = dog();
    obs(d, 'stale');
    t += 110_000;
    expect(obs(d, 'live')).toBe('ok');
    t += 1_000;
    expect(obs(d, 'stale')).toBe('ok');
    t += 110_000;
    expect(obs(d, 'stale')).toBe('ok');
    t += 10_000;
    expect(obs(d, 'stale')).toEqual({ reload: expect.stringMatching(/^stale for 120 s/) });
  });

  it('reloads when the heap exceeds the bound (and not at or below it)', () => {
    const d = dog();
    expect(obs(d, 'live', GiB)).toBe('ok');
    expect(obs(d, 'live', null)).toBe('ok');
    expect(obs(d, 'live', GiB + 50 * 1024 ** 2)).toEqual({ reload: expect.stringMatching(/^heap 1074 MiB > 1024 MiB/) });
  });

  it('reloads at most once per 5 minutes, also across reloads (lastReloadAtMs)', () => {
    const d = dog();
    expect(obs(d, 'live', 2 * GiB)).not.toBe('ok');
    expect(obs(d, 'live', 2 * GiB)).not.toBe('ok'); // wanted, not done yet: no rate limit without a reload
    d.reloading();
    t += 10_000;
    expect(obs(d, 'live', 2 * GiB)).toBe('ok'); // the reload did not help: still no second one
    t += 5 * MIN - 10_001;
    expect(obs(d, 'live', 2 * GiB)).toBe('ok');
    t += 1;
    expect(obs(d, 'live', 2 * GiB)).not.toBe('ok');
    d.reloading();

    // The page after a reload starts with the persisted time: stale for 2 min is not enough yet.
    const after = dog({ lastReloadAtMs: t });
    obs(after, 'offline');
    t += 150_000;
    expect(obs(after, 'offline')).toBe('ok');
    t += 150_000; // 5 min since the last reload, still offline
    expect(obs(after, 'offline')).toEqual({ reload: expect.stringMatching(/offline for 300 s/) });
    // A wall clock stepped back does not unlock a loop either.
    const back = dog({ lastReloadAtMs: t + 60_000 });
    expect(obs(back, 'live', 2 * GiB)).toBe('ok');
  });
});

describe('startWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_700_000_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const store = (): WatchedStore & { connection: ConnectionState } => ({
    connection: 'live',
    totals: { gmvMinor: '123456789012345678901234567890' },
    epoch: 'e-42',
  });

  /** The server answers at once, and a reload need not wait for it to keep answering. */
  const up = { probe: () => Promise.resolve(true), gate: { confirmMs: 0 } };

  it('checks every 10 s, saves the state, then reloads once; the next page respects the rate limit', async () => {
    const storage = new MemStorage();
    const s = store();
    const reload = vi.fn();
    const log = vi.fn();
    startWatchdog(s, { ...up, storage, sound: () => true, heapBytes: () => null, log }, reload);
    s.connection = 'offline';
    await vi.advanceTimersByTimeAsync(120_000);
    expect(reload).not.toHaveBeenCalled(); // first bad observation at 10 s: 110 s so far
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reload).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(reload).toHaveBeenCalledTimes(1); // stopped after reloading

    expect(storage.getItem(LAST_RELOAD_KEY)).toBe(String(Date.now() - 10 * MIN));
    const raw = storage.getItem(KIOSK_STATE_KEY)!;
    expect(raw.length).toBeLessThanOrEqual(MAX_STATE_BYTES);
    expect(JSON.parse(raw)).toEqual({
      reason: 'offline for 120 s',
      atMs: Date.now() - 10 * MIN,
      gmvMinor: '123456789012345678901234567890',
      epoch: 'e-42',
      sound: true,
    });

    // The reloaded page: reads the state once, and a crash loop cannot reload again within 5 min.
    const restored = restoreKioskState(storage);
    expect(restored?.gmvMinor).toBe('123456789012345678901234567890');
    expect(restoreKioskState(storage)).toBeNull();
    storage.setItem(LAST_RELOAD_KEY, String(Date.now()));
    const reload2 = vi.fn();
    startWatchdog(s, { ...up, storage, heapBytes: () => 3 * GiB, log }, reload2);
    await vi.advanceTimersByTimeAsync(5 * MIN - 1);
    expect(reload2).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reload2).toHaveBeenCalledTimes(1);
    expect(JSON.parse(storage.getItem(KIOSK_STATE_KEY)!)).toMatchObject({ reason: expect.stringMatching(/^heap/), sound: false });
  });

  it('does not reload when the rate limit cannot be persisted', async () => {
    const reload = vi.fn();
    const log = vi.fn();
    const stop = startWatchdog(store(), { ...up, storage: null, heapBytes: () => 3 * GiB, log }, reload);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reload).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/cannot persist/));
    stop();
  });

  it('the disposer stops the checks', async () => {
    const reload = vi.fn();
    const stop = startWatchdog(store(), { ...up, storage: new MemStorage(), heapBytes: () => 3 * GiB, log: () => {} }, reload);
    stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(reload).not.toHaveBeenCalled();
  });

  it('never reloads while the server does not answer; probes back off 5 s → 60 s; recovers without a reload', async () => {
    const storage = new MemStorage();
    const s = store();
    const reload = vi.fn();
    const log = vi.fn();
    const probes: number[] = [];
    const start = Date.now();
    const probe = vi.fn(() => {
      probes.push((Date.now() - start) / 1000);
      return Promise.resolve(false);
    });
    startWatchdog(s, { storage, probe, heapBytes: () => null, log, checkEveryMs: 1_000 }, reload);
    s.connection = 'offline';
    await vi.advanceTimersByTimeAsync(10 * MIN);
    expect(reload).not.toHaveBeenCalled();
    expect(storage.getItem(LAST_RELOAD_KEY)).toBeNull(); // a reload that did not happen uses no rate limit
    // First probe once offline for 120 s (observed from 1 s on), then 5, 10, 20, 40, 60, 60 … s apart.
    expect(probes.slice(0, 7)).toEqual([121, 126, 136, 156, 196, 256, 316]);
    expect(log).toHaveBeenCalledWith(expect.stringMatching(/server does not answer: staying on the wall, asking again in 5 s/));
    // The server is back and the socket reconnects by itself: live, no reload, probes stop.
    s.connection = 'live';
    const n = probe.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(probe).toHaveBeenCalledTimes(n);
    expect(reload).not.toHaveBeenCalled();
  });

  it('reloads only once the server has answered for 15 s and the wall is still not live', async () => {
    const storage = new MemStorage();
    const s = store();
    const reload = vi.fn();
    let answers = false;
    const probe = vi.fn(() => Promise.resolve(answers));
    startWatchdog(s, { storage, probe, heapBytes: () => null, log: () => {}, checkEveryMs: 1_000 }, reload);
    s.connection = 'offline';
    await vi.advanceTimersByTimeAsync(130_000);
    expect(reload).not.toHaveBeenCalled();
    answers = true; // back; the socket will reconnect within seconds: give it the chance
    await vi.advanceTimersByTimeAsync(14_000);
    expect(reload).not.toHaveBeenCalled();
    // An answer, then a refusal: the 15 s start again with the next answer.
    answers = false;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(reload).not.toHaveBeenCalled();
    answers = true;
    await vi.advanceTimersByTimeAsync(44_000);
    expect(reload).toHaveBeenCalledTimes(1); // still offline with the server up: the page is wedged
    expect(JSON.parse(storage.getItem(KIOSK_STATE_KEY)!)).toMatchObject({ reason: expect.stringMatching(/^offline for \d+ s$/) });

    // Same, but the socket recovers within the 15 s: no reload.
    const s2 = store();
    const reload2 = vi.fn();
    startWatchdog(
      s2,
      { storage: new MemStorage(), probe: () => Promise.resolve(true), heapBytes: () => null, log: () => {}, checkEveryMs: 1_000 },
      reload2,
    );
    s2.connection = 'stale';
    await vi.advanceTimersByTimeAsync(125_000);
    s2.connection = 'live';
    await vi.advanceTimersByTimeAsync(5 * MIN);
    expect(reload2).not.toHaveBeenCalled();
  });
});

describe('probeServer', () => {
  const res = (status: number, body: string): Response => new Response(body, { status, headers: { 'content-type': 'application/json' } });
  const fake = (r: Response | Error) => (() => (r instanceof Error ? Promise.reject(r) : Promise.resolve(r))) as unknown as typeof fetch;

  it('our /healthz answering 200 or 503 (an alarm) means the page can load', async () => {
    expect(await probeServer('/healthz', 1000, fake(res(200, '{"ok":true,"redis":"up"}')))).toBe(true);
    expect(await probeServer('/healthz', 1000, fake(res(503, '{"ok":false,"redis":"down"}')))).toBe(true);
  });

  it('a network error, a proxy error page or a stranger answer means stay', async () => {
    expect(await probeServer('/healthz', 1000, fake(new TypeError('Failed to fetch')))).toBe(false);
    expect(await probeServer('/healthz', 1000, fake(res(502, '<html>Bad gateway</html>')))).toBe(false);
    expect(await probeServer('/healthz', 1000, fake(res(503, '<html>Service unavailable</html>')))).toBe(false);
    expect(await probeServer('/healthz', 1000, fake(res(200, '{"status":"fine"}')))).toBe(false);
  });

  it('gives up after the timeout (a half-open connection)', async () => {
    const hang = ((_u: string, init: RequestInit) =>
      new Promise((_r, reject) => init.signal!.addEventListener('abort', () => reject(init.signal!.reason)))) as unknown as typeof fetch;
    const t0 = performance.now();
    expect(await probeServer('/healthz', 200, hang)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(5_000);
  });
});

describe('watchdogTiming (?watchdogSec=N)', () => {
  it('sets the limit and checks four times per limit; ignores junk and values below 2 s', () => {
    expect(watchdogTiming('?watchdogSec=4')).toEqual({ staleLimitMs: 4000, checkEveryMs: 1000 });
    expect(watchdogTiming('?watchdogSec=600')).toEqual({ staleLimitMs: 600_000, checkEveryMs: 10_000 });
    for (const q of ['', '?watchdogSec=', '?watchdogSec=abc', '?watchdogSec=1', '?watchdogSec=-5', '?watchdogSec=Infinity'])
      expect(watchdogTiming(q)).toEqual({});
  });
});

describe('restoreKioskState', () => {
  const good: KioskState = { reason: 'stale for 120 s', atMs: 1_700_000_000_000, gmvMinor: '987654321', epoch: 'ep1', sound: true };

  it('returns a good state once and deletes it', () => {
    const st = new MemStorage();
    st.setItem(KIOSK_STATE_KEY, JSON.stringify(good));
    st.setItem(LAST_RELOAD_KEY, '123');
    expect(restoreKioskState(st)).toEqual(good);
    expect(st.getItem(KIOSK_STATE_KEY)).toBeNull();
    expect(st.getItem(LAST_RELOAD_KEY)).toBe('123'); // the rate limit stays
    expect(restoreKioskState(st)).toBeNull();
  });

  it('accepts null gmv/epoch (reload before any data)', () => {
    expect(parseKioskState(JSON.stringify({ ...good, gmvMinor: null, epoch: null }))).toEqual({ ...good, gmvMinor: null, epoch: null });
  });

  it.each([
    ['not JSON', '{nope'],
    ['null', 'null'],
    ['array', '[1,2]'],
    ['number', '42'],
    ['missing sound', JSON.stringify({ ...good, sound: undefined })],
    ['sound as string', JSON.stringify({ ...good, sound: 'true' })],
    ['gmv as number', JSON.stringify({ ...good, gmvMinor: 987654321 })],
    ['gmv not an integer', JSON.stringify({ ...good, gmvMinor: '12.5' })],
    ['gmv negative', JSON.stringify({ ...good, gmvMinor: '-5' })],
    ['atMs as string', JSON.stringify({ ...good, atMs: '1' })],
    ['epoch as number', JSON.stringify({ ...good, epoch: 7 })],
    ['too large', JSON.stringify({ ...good, reason: 'x'.repeat(2000) })],
  ])('garbage (%s) → null, and it is deleted', (_name, raw) => {
    const st = new MemStorage();
    st.setItem(KIOSK_STATE_KEY, raw);
    expect(restoreKioskState(st)).toBeNull();
    expect(st.getItem(KIOSK_STATE_KEY)).toBeNull();
  });

  it('nothing stored, or no storage → null', () => {
    expect(restoreKioskState(new MemStorage())).toBeNull();
    expect(restoreKioskState(null)).toBeNull();
  });

  it('counterStartFromRestored resumes only the same epoch, never above the target', () => {
    expect(counterStartFromRestored(good, 'ep1', 1_000_000_000n)).toBe(987654321n);
    expect(counterStartFromRestored(good, 'ep1', 5n)).toBe(5n);
    expect(counterStartFromRestored(good, 'ep2', 1_000_000_000n)).toBeNull();
    expect(counterStartFromRestored(good, null, 1_000_000_000n)).toBeNull();
    expect(counterStartFromRestored({ ...good, gmvMinor: null }, 'ep1', 1n)).toBeNull();
    expect(counterStartFromRestored(null, 'ep1', 1n)).toBeNull();
  });
});

describe('newCues', () => {
  const ms = (reached: Record<string, number | null>) =>
    Object.entries(reached).map(([thresholdMinor, reachedAtMs]) => ({ thresholdMinor, reachedAtMs }));
  const al = (...a: [string, string][]) => a.map(([id, severity]) => ({ id, severity }));

  it('the first call only records (no replay after a reload or for a late joiner)', () => {
    const c = newCues(null, ms({ '100': 1, '200': 2, '300': null }), al(['w1', 'severe'], ['w2', 'warning']));
    expect(c).toMatchObject({ milestone: false, severe: false });
    expect([...c.next.milestonesReached]).toEqual(['100', '200']);
    expect([...c.next.severeIds]).toEqual(['w1']);
  });

  it('a newly reached milestone cues once; an already known one does not', () => {
    let m: CueMemory = newCues(null, ms({ '100': 1, '200': null }), []).next;
    let c = newCues(m, ms({ '100': 1, '200': null }), []);
    expect(c.milestone).toBe(false);
    c = newCues(c.next, ms({ '100': 1, '200': 5 }), []);
    expect(c.milestone).toBe(true);
    m = c.next;
    c = newCues(m, ms({ '100': 1, '200': 5 }), []);
    expect(c.milestone).toBe(false);
    expect(c.severe).toBe(false);
  });

  it('a milestone reached again after a reset (new epoch from zero) cues again', () => {
    let c = newCues(null, ms({ '100': 1 }), []);
    c = newCues(c.next, ms({ '100': null }), []);
    expect(c.milestone).toBe(false);
    c = newCues(c.next, ms({ '100': 9 }), []);
    expect(c.milestone).toBe(true);
  });

  it('a new severe alert cues once; non-severe alerts never; a known one not again', () => {
    let c = newCues(null, [], al(['w1', 'severe']));
    c = newCues(c.next, [], al(['w1', 'severe'], ['w2', 'warning'], ['w3', 'info'], ['w4', 'advisory']));
    expect(c.severe).toBe(false);
    c = newCues(c.next, [], al(['w1', 'severe'], ['w5', 'severe']));
    expect(c).toMatchObject({ severe: true, milestone: false });
    c = newCues(c.next, [], al(['w5', 'severe']));
    expect(c.severe).toBe(false);
    c = newCues(c.next, [], al(['w1', 'severe'])); // flickered out of the list and back: known
    expect(c.severe).toBe(false);
    c = newCues(c.next, [], al(['w2', 'severe'])); // upgraded to severe
    expect(c.severe).toBe(true);
  });

  it('does not mutate the previous memory', () => {
    const first = newCues(null, ms({ '1': 1 }), al(['a', 'severe'])).next;
    newCues(first, ms({ '1': 1, '2': 2 }), al(['b', 'severe']));
    expect([...first.milestonesReached]).toEqual(['1']);
    expect([...first.severeIds]).toEqual(['a']);
  });
});

describe('burn-in', () => {
  it('the offset sequence stays within ±maxPx and changes every period (including the wrap)', () => {
    for (const maxPx of [4, 2, 6]) {
      const seen = new Set<string>();
      for (let step = 0; step < BURN_IN_STEPS; step++) {
        const a = burnInOffset(step, maxPx);
        const b = burnInOffset(step + 1, maxPx);
        expect(Math.abs(a.x)).toBeLessThanOrEqual(maxPx);
        expect(Math.abs(a.y)).toBeLessThanOrEqual(maxPx);
        expect(a).not.toEqual(b);
        seen.add(`${a.x},${a.y}`);
      }
      expect(seen.size).toBe(BURN_IN_STEPS); // a closed path with no repeats
      expect(burnInOffset(BURN_IN_STEPS, maxPx)).toEqual(burnInOffset(0, maxPx));
    }
    expect([0, 1, 2, 3, 4, 5].map((s) => burnInOffset(s, 4))).toEqual([
      { x: 0, y: 0 },
      { x: 2, y: 1 },
      { x: 4, y: 0 },
      { x: 2, y: -1 },
      { x: 0, y: -2 },
      { x: -2, y: -1 },
    ]);
  });

  it('shiftAgainstBurnIn sets --burn-x/--burn-y now and per period; the disposer clears them', () => {
    vi.useFakeTimers();
    try {
      const props = new Map<string, string>();
      const el = {
        style: { setProperty: (k: string, v: string) => props.set(k, v), removeProperty: (k: string) => props.delete(k) },
      } as unknown as HTMLElement;
      const stop = shiftAgainstBurnIn(el, { periodMs: 120_000, maxPx: 4 });
      expect(Object.fromEntries(props)).toEqual({ '--burn-x': '0', '--burn-y': '0' });
      vi.advanceTimersByTime(119_999);
      expect(props.get('--burn-x')).toBe('0');
      vi.advanceTimersByTime(1);
      expect(Object.fromEntries(props)).toEqual({ '--burn-x': '2', '--burn-y': '1' });
      vi.advanceTimersByTime(120_000 * 3);
      expect(Object.fromEntries(props)).toEqual({ '--burn-x': '0', '--burn-y': '-2' });
      stop();
      expect(props.size).toBe(0);
      vi.advanceTimersByTime(10 * 120_000);
      expect(props.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('keepAwake without wake-lock support', () => {
  it('is a silent no-op', () => {
    const doc = new EventTarget() as unknown as Document;
    const stop = keepAwake(doc, {} as Navigator);
    stop();
    const refusing = { wakeLock: { request: () => Promise.reject(new DOMException('no', 'NotAllowedError')) } } as unknown as Navigator;
    Object.defineProperty(doc, 'visibilityState', { value: 'visible' });
    keepAwake(doc, refusing)(); // rejection is caught (an unhandled one would fail the run)
  });
});

describe('kioskSwitches', () => {
  it('?kiosk=0 disables all; single switches disable one', () => {
    expect(kioskSwitches('')).toEqual({ wakeLock: true, cursor: true, watchdog: true, burnIn: true });
    expect(kioskSwitches('?kiosk=0&lang=en')).toEqual({ wakeLock: false, cursor: false, watchdog: false, burnIn: false });
    expect(kioskSwitches('', false)).toEqual({ wakeLock: false, cursor: false, watchdog: false, burnIn: false });
    expect(kioskSwitches('?watchdog=0&burnin=false')).toEqual({ wakeLock: true, cursor: true, watchdog: false, burnIn: false });
    expect(kioskSwitches('?cursor=0&wakelock=0')).toEqual({ wakeLock: false, cursor: false, watchdog: true, burnIn: true });
  });
});

describe('SoundBoard (fake AudioContext)', () => {
  interface Played {
    type: string;
    freq: number;
    start: number;
    stop: number;
    peak: number;
  }
  function fakeContext() {
    const played: Played[] = [];
    const ctx = {
      state: 'suspended' as AudioContextState,
      currentTime: 10,
      destination: {},
      resumed: 0,
      resume() {
        this.resumed++;
        this.state = 'running';
        return Promise.resolve();
      },
      suspend() {
        this.state = 'suspended';
        return Promise.resolve();
      },
      close() {
        this.state = 'closed';
        return Promise.resolve();
      },
      addEventListener() {},
      createGain() {
        let peak = 0;
        const node = {
          gain: {
            setValueAtTime: () => {},
            linearRampToValueAtTime: (v: number) => {
              peak = Math.max(peak, v);
              node.peak = peak;
            },
            exponentialRampToValueAtTime: () => {},
          },
          peak: 0,
          connect: () => {},
          disconnect: () => {},
        };
        return node;
      },
      createOscillator() {
        const o = {
          type: 'sine',
          freq: 0,
          startAt: 0,
          env: null as null | { peak: number },
          frequency: {
            setValueAtTime: (v: number) => {
              o.freq = v;
            },
          },
          connect: (env: { peak: number }) => {
            o.env = env;
          },
          disconnect: () => {},
          onended: null,
          start: (t: number) => {
            o.startAt = t;
          },
          stop: (t: number) => {
            played.push({ type: o.type, freq: o.freq, start: o.startAt, stop: t, peak: o.env?.peak ?? 0 });
          },
        };
        return o;
      },
    };
    return { ctx, played };
  }

  it('is off by default, silent while off, plays short cues with moderate gain when on', async () => {
    const { ctx, played } = fakeContext();
    const create = vi.fn(() => ctx as unknown as AudioContext);
    const b = new SoundBoard({ createContext: create });
    expect(b.enabled).toBe(false);
    b.milestone();
    b.severeAlert();
    expect(create).not.toHaveBeenCalled(); // no audio context before the user turns sound on
    expect(played).toEqual([]);

    b.enable();
    await Promise.resolve();
    expect(b.enabled).toBe(true);
    expect(ctx.resumed).toBe(1);
    b.milestone();
    const chime = played.splice(0);
    expect(chime.length).toBeGreaterThanOrEqual(3);
    const main = chime.filter((p) => p.peak > 0.1);
    expect(main.map((p) => p.freq)).toEqual([...main.map((p) => p.freq)].sort((x, y) => x - y)); // rising
    for (const p of chime) {
      expect(p.peak).toBeLessThanOrEqual(0.2);
      expect(p.stop - 10).toBeLessThanOrEqual(1.5);
    }

    b.severeAlert();
    const beeps = played.splice(0);
    expect(beeps).toHaveLength(2);
    expect(Math.max(...beeps.map((p) => p.freq))).toBeLessThan(Math.min(...chime.map((p) => p.freq))); // lower
    for (const p of beeps) expect(p.stop - 10).toBeLessThanOrEqual(1.5);
    expect(cueSeconds(MILESTONE_NOTES)).toBeLessThanOrEqual(1.5);
    expect(cueSeconds(SEVERE_NOTES)).toBeLessThanOrEqual(1.5);

    b.severeAlert(); // still sounding: no pile-up
    expect(played).toEqual([]);
    ctx.currentTime += 2;
    b.severeAlert();
    expect(played).toHaveLength(2);
    played.length = 0;

    b.toggle();
    expect(b.enabled).toBe(false);
    expect(ctx.state).toBe('suspended');
    ctx.currentTime += 5;
    b.milestone();
    expect(played).toEqual([]);
    b.toggle();
    expect(b.enabled).toBe(true);
    expect(create).toHaveBeenCalledTimes(1); // one context for the page's life
  });

  it('enabled without a user gesture (restored after reload): blocked, silent, until the context runs', async () => {
    const { ctx, played } = fakeContext();
    let onState: (() => void) | undefined;
    const c = Object.assign(ctx, {
      resume: () => new Promise<void>(() => {}), // never settles without a gesture
      addEventListener: (type: string, fn: () => void) => {
        if (type === 'statechange') onState = fn;
      },
    });
    const b = new SoundBoard({ createContext: () => c as unknown as AudioContext });
    b.enable();
    expect(b.enabled).toBe(true);
    expect(b.blocked).toBe(true);
    expect(b.audioState).toBe('suspended');
    b.milestone();
    expect(played).toEqual([]); // not queued for later either
    c.state = 'running';
    onState!();
    expect(b.blocked).toBe(false);
    b.milestone();
    expect(played.length).toBeGreaterThan(0);
    b.mute();
    expect(b.blocked).toBe(false);
  });

  it('without WebAudio, enable() and cues are harmless no-ops', () => {
    const b = new SoundBoard({ createContext: () => null });
    b.enable();
    b.milestone();
    b.severeAlert();
    b.mute();
    expect(b.enabled).toBe(false);
  });
});
