import { describe, expect, it } from 'vitest';
import { StalenessGate } from '../../client/live/staleness';

/** Feeds messages every `everyMs` from `from` to `to` (exclusive), checking the gate at each one. */
function feed(g: StalenessGate, from: number, to: number, everyMs: number): boolean[] {
  const seen: boolean[] = [];
  for (let t = from; t < to; t += everyMs) {
    g.message(t);
    seen.push(g.stale(t));
  }
  return seen;
}

describe('StalenessGate (hysteresis for the stale flags)', () => {
  it('is not stale before the first message (that is "connecting")', () => {
    expect(new StalenessGate().stale(1e9)).toBe(false);
  });

  it('ticks late by hundreds of ms never flag stale (the old 250 ms rule flickered on each)', () => {
    const g = new StalenessGate(100);
    let t = 0;
    for (let i = 0; i < 50; i++) {
      g.message(t);
      // A jittery stream: 100 ms, then now and then 400 ms, 900 ms or 2.5 s late.
      const gap = [100, 100, 400, 100, 900, 100, 2500][i % 7]!;
      for (let c = 0; c < gap; c += 50) expect(g.stale(t + c)).toBe(false);
      t += gap;
    }
  });

  it('enters stale after 3 s of silence, not before', () => {
    const g = new StalenessGate(100);
    feed(g, 0, 1000, 100);
    expect(g.stale(900 + 2999)).toBe(false);
    expect(g.stale(900 + 3000)).toBe(true);
  });

  it('leaves stale only after 2 s of steady data; one message or a sputter is not enough', () => {
    const g = new StalenessGate(100);
    g.message(0);
    expect(g.stale(5000)).toBe(true);
    g.message(5000); // a single message (a snapshot): still stale
    expect(g.stale(5000)).toBe(true);
    expect(g.stale(6500)).toBe(true); // and silent again: stays stale
    // Messages every 100 ms from 7 s: stale until 2 s of them, then current.
    const seen = feed(g, 7000, 9500, 100);
    expect(seen.slice(0, 20).every((s) => s)).toBe(true); // 7.0–8.9 s
    expect(seen[20]).toBe(false); // 9.0 s
    // A sputter: steady for 1.5 s, a 1.2 s hole, steady again: the 2 s start over after the hole.
    expect(g.stale(9400 + 3000)).toBe(true);
    feed(g, 13_000, 14_500, 100);
    expect(g.stale(14_400)).toBe(true);
    const after = feed(g, 15_700, 18_000, 100); // gap 14.4 → 15.7 s is above the 1 s steady gap
    expect(after.slice(0, 20).every((s) => s)).toBe(true);
    expect(after[20]).toBe(false); // 17.7 s: 2 s after 15.7 s
  });

  it('a slow tick interval stretches the thresholds (5 ticks to enter, 3 ticks of gap still steady)', () => {
    const g = new StalenessGate(1000);
    expect(g.enterMs).toBe(5000);
    expect(g.steadyGapMs).toBe(3000);
    g.message(0);
    expect(g.stale(4999)).toBe(false);
    expect(g.stale(5000)).toBe(true);
  });
});
