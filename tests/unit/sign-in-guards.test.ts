import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import { LoginGuard } from '../../server/security/login-guard';
import { peerResolver } from '../../server/security/peer';
import { loadConfig } from '../../server/config';

describe('LoginGuard (sign-in back-off per address and username)', () => {
  const make = () => {
    let t = 1_000_000;
    const g = new LoginGuard({ freeFailures: 3, baseMs: 1000, maxMs: 8000, now: () => t });
    return { g, advance: (ms: number) => (t += ms) };
  };

  it('allows a few failures, then doubles the wait up to the cap; a success clears it', () => {
    const { g, advance } = make();
    for (let i = 0; i < 2; i++) g.failed('a', 'boss');
    expect(g.waitMs('a', 'boss')).toBe(0);
    g.failed('a', 'boss');
    expect(g.waitMs('a', 'boss')).toBe(1000);
    const waits = [];
    for (let i = 0; i < 5; i++) {
      advance(g.waitMs('a', 'boss'));
      g.failed('a', 'boss');
      waits.push(g.waitMs('a', 'boss'));
    }
    expect(waits).toEqual([2000, 4000, 8000, 8000, 8000]);
    g.succeeded('a', 'boss');
    expect(g.waitMs('a', 'boss')).toBe(0);
  });

  it('keys by the pair: other addresses and other usernames are not held back', () => {
    const { g } = make();
    for (let i = 0; i < 6; i++) g.failed('attacker', 'boss');
    expect(g.waitMs('attacker', 'boss')).toBeGreaterThan(0);
    expect(g.waitMs('office', 'boss')).toBe(0);
    expect(g.waitMs('attacker', 'exec1')).toBe(0);
  });

  it('takes back an attempt that was never checked', () => {
    const { g } = make();
    for (let i = 0; i < 2; i++) g.failed('a', 'boss');
    g.failed('a', 'boss');
    expect(g.waitMs('a', 'boss')).toBe(1000);
    g.unchecked('a', 'boss');
    expect(g.waitMs('a', 'boss')).toBe(0);
  });

  it('forgets a pair after a quiet day, and holds a bounded number of pairs', () => {
    const { g, advance } = make();
    for (let i = 0; i < 5; i++) g.failed('a', 'boss');
    advance(86400_001);
    expect(g.waitMs('a', 'boss')).toBe(0);
    const small = new LoginGuard({ freeFailures: 0, maxKeys: 2 });
    small.failed('a', 'x');
    small.failed('b', 'x');
    small.failed('c', 'x');
    expect(small.waitMs('a', 'x')).toBe(0); // the oldest went
    expect(small.waitMs('c', 'x')).toBeGreaterThan(0);
  });
});

describe('peerResolver (client address and HTTPS)', () => {
  const req = (remoteAddress: string, headers: Record<string, string> = {}, encrypted = false) =>
    ({ socket: { remoteAddress, encrypted }, headers }) as unknown as IncomingMessage;

  it('ignores X-Forwarded-For from anyone but a trusted proxy', () => {
    const peer = peerResolver([]);
    expect(peer(req('::ffff:203.0.113.9', { 'x-forwarded-for': '10.0.0.1' })).address).toBe('203.0.113.9');
  });

  it('takes the nearest address a trusted proxy did not add', () => {
    const peer = peerResolver(['10.0.0.2', '10.0.0.3']);
    expect(peer(req('10.0.0.2', { 'x-forwarded-for': '198.51.100.7' })).address).toBe('198.51.100.7');
    // A client's own forged entry sits left of what the proxies appended: not believed.
    expect(peer(req('10.0.0.2', { 'x-forwarded-for': '1.2.3.4, 198.51.100.7, 10.0.0.3' })).address).toBe('198.51.100.7');
    expect(peer(req('10.0.0.2')).address).toBe('10.0.0.2');
  });

  it('says HTTPS for a TLS socket or a forwarded https scheme', () => {
    const peer = peerResolver([]);
    expect(peer(req('127.0.0.1')).https).toBe(false);
    expect(peer(req('127.0.0.1', {}, true)).https).toBe(true);
    expect(peer(req('127.0.0.1', { 'x-forwarded-proto': 'https' })).https).toBe(true);
    expect(peer(req('127.0.0.1', { 'x-forwarded-proto': 'http' })).https).toBe(false);
  });

  it('WARROOM_TRUST_PROXY takes IP addresses, and a bad one stops the start naming the variable', () => {
    const env = { WARROOM_VIEWER_TOKEN: 'viewer-token-for-tests-0123456789', WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%' };
    expect(loadConfig({ ...env, WARROOM_TRUST_PROXY: '10.0.0.2, ::1' }, () => 'x').trustProxy).toEqual(['10.0.0.2', '::1']);
    expect(loadConfig(env, () => 'x').trustProxy).toEqual([]);
    expect(() => loadConfig({ ...env, WARROOM_TRUST_PROXY: 'proxy.local' }, () => 'x')).toThrow(/^WARROOM_TRUST_PROXY/);
  });
});
