import { describe, expect, it } from 'vitest';
import { cumulativeGmv, GMV_KNOTS, gmvRate, orderValueMinor, rng } from '../../server/simulate/profile';

describe('simulated night profile', () => {
  it('passes every published milestone at its time', () => {
    for (const [t, g] of GMV_KNOTS) expect(cumulativeGmv(t)).toBeCloseTo(g, 0);
  });
  it('has a continuous, positive rate whose integral is the cumulative curve', () => {
    let integral = 0;
    const dt = 0.5;
    for (let t = 0; t < 7200; t += dt) {
      const r = gmvRate(t + dt / 2);
      expect(r).toBeGreaterThan(0);
      integral += r * dt;
    }
    expect(integral / cumulativeGmv(7200)).toBeCloseTo(1, 3);
    for (const [t] of GMV_KNOTS.slice(1, -1)) {
      const before = gmvRate(t - 1e-6);
      expect(Math.abs(gmvRate(t) - before) / before).toBeLessThan(1e-3); // no cliff at a knot
    }
  });
  it('is reproducible from a seed', () => {
    const a = rng(11);
    const b = rng(11);
    const xs = Array.from({ length: 5 }, () => orderValueMinor(a));
    expect(Array.from({ length: 5 }, () => orderValueMinor(b))).toEqual(xs);
    expect(xs.every((x) => Number.isInteger(x) && x >= 100)).toBe(true);
  });
});
