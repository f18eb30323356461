import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../server/config';
import { clusterNode } from '../../server/redis-cluster';
import { parseEventDefinition, parseT0 } from '../../server/event';

let made = 0;
const mk = () => `generated-token-${made++}-0123456789`;
const NOW = Date.parse('2026-11-10T15:58:30Z');

describe('loadConfig', () => {
  it('applies defaults and generates tokens when unset', () => {
    let n = 0;
    const c = loadConfig({}, () => `generated-token-${n++}-abcdefgh`);
    expect(c).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      redisUrl: 'redis://127.0.0.1:6379',
      keyPrefix: 'wr:',
      tickIntervalMs: 100,
      viewerTokenGenerated: true,
    });
    expect(c.viewerToken).not.toBe(c.adminToken);
    expect(c.redisCluster).toBeNull();
  });
  it('reads REDIS_CLUSTER as a list of seed nodes (host names, IPv4, bracketed IPv6)', () => {
    const c = loadConfig({ REDIS_CLUSTER: ' 10.0.0.5:7000, redis-b.internal:7001,[::1]:7002 ' }, mk);
    expect(c.redisCluster).toEqual(['10.0.0.5:7000', 'redis-b.internal:7001', '[::1]:7002']);
    expect(loadConfig({ REDIS_CLUSTER: '' }, mk).redisCluster).toBeNull();
    // What ioredis' Cluster is given: the IPv6 host without its brackets.
    expect(c.redisCluster!.map(clusterNode)).toEqual([
      { host: '10.0.0.5', port: 7000 },
      { host: 'redis-b.internal', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });
  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ WARROOM_TICK_MS: '5' }, /WARROOM_TICK_MS/],
    [{ REDIS_URL: 'http://x' }, /REDIS_URL/],
    [{ WARROOM_VIEWER_TOKEN: 'short' }, /WARROOM_VIEWER_TOKEN/],
    [{ WARROOM_KEY_PREFIX: 'bad prefix' }, /WARROOM_KEY_PREFIX/],
    [{ WARROOM_VIEWER_TOKEN: 'same-token-123456789', WARROOM_ADMIN_TOKEN: 'same-token-123456789' }, /WARROOM_ADMIN_TOKEN/],
    [{ WARROOM_ADMIN_TOKEN: 'admin-token-for-the-night-0123456789' }, /WARROOM_ADMIN_TOKEN contains a common word/],
    [{ WARROOM_ADMIN_TOKEN: 'aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbb' }, /WARROOM_ADMIN_TOKEN is too repetitive/],
    [{ WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$' }, /WARROOM_ADMIN_TOKEN must be at least 32 characters/],
    [{ WARROOM_ADMIN_USER: 'ops' }, /WARROOM_ADMIN_USER and WARROOM_ADMIN_PASSWORD must be set together/],
    [{ WARROOM_ADMIN_USER: 'ops', WARROOM_ADMIN_PASSWORD: 'password123' }, /WARROOM_ADMIN_PASSWORD must be at least 12 characters/],
    [{ WARROOM_ADMIN_USER: 'ops', WARROOM_ADMIN_PASSWORD: 'password1234567' }, /WARROOM_ADMIN_PASSWORD is too close to a common password/],
    [{ WARROOM_CORS_ORIGINS: 'https://ok.example.com, *' }, /WARROOM_CORS_ORIGINS: "\*"/],
    [{ REDIS_CLUSTER: '127.0.0.1:7000,,127.0.0.1:7001' }, /REDIS_CLUSTER has an empty entry/],
    [{ REDIS_CLUSTER: '127.0.0.1:7000,' }, /REDIS_CLUSTER has an empty entry/],
    [{ REDIS_CLUSTER: '127.0.0.1' }, /REDIS_CLUSTER: "127.0.0.1" is not host:port/],
    [{ REDIS_CLUSTER: 'redis://127.0.0.1:7000' }, /REDIS_CLUSTER: "redis:\/\/127.0.0.1:7000" is not host:port/],
    [{ REDIS_CLUSTER: '127.0.0.1:70000' }, /REDIS_CLUSTER: "127.0.0.1:70000" has no port between 1 and 65535/],
    [{ REDIS_CLUSTER: '127.0.0.1:0' }, /REDIS_CLUSTER: "127.0.0.1:0" has no port/],
    [{ REDIS_CLUSTER: 'a b:7000' }, /REDIS_CLUSTER: "a b:7000"/],
    [{ REDIS_CLUSTER: '127.0.0.1:7000, 127.0.0.1:7000' }, /REDIS_CLUSTER names a node twice/],
    [{ REDIS_CLUSTER: '127.0.0.1:7000', REDIS_URL: 'redis://127.0.0.1:6379' }, /REDIS_CLUSTER and REDIS_URL are both set/],
  ])('%o fails naming the variable', (env, re) => {
    expect(() => loadConfig(env, mk)).toThrow(re);
  });
});

describe('event definition', () => {
  const good = {
    name: 'Double 11',
    t0: '2026-11-11T00:00:00+08:00',
    timeZone: 'Asia/Shanghai',
    currency: { code: 'CNY', minorDigits: 2 },
    target: '1000000000.00',
    milestones: ['10000000', '100000000.00'],
  };

  it('parses T0 with its offset, or relative to now', () => {
    expect(parseT0('2026-11-11T00:00:00+08:00', NOW)).toBe(Date.parse('2026-11-10T16:00:00Z'));
    expect(parseT0('now+60s', NOW)).toBe(NOW + 60_000);
    expect(parseT0('now + 2m', NOW + 400)).toBe(NOW + 121_000);
    expect(parseT0('2026-11-11T00:00:00', NOW)).toBeNull(); // no zone: ambiguous
    expect(parseT0('tomorrow', NOW)).toBeNull();
  });
  it('validates a good file', () => {
    const e = parseEventDefinition(good, 'e.json', NOW);
    expect(e).toMatchObject({
      name: 'Double 11',
      t0Ms: Date.parse('2026-11-10T16:00:00Z'),
      minorDigits: 2,
      targetMinor: 100_000_000_000n,
      milestonesMinor: [1_000_000_000n, 10_000_000_000n],
    });
    expect(parseEventDefinition(good, 'e.json', NOW, 'now+60s').t0Ms).toBe(NOW + 60_000);
  });
  it('ships a demo event that validates', () => {
    expect(() => parseEventDefinition(JSON.parse(readFileSync('events/demo.json', 'utf8')), 'events/demo.json', NOW)).not.toThrow();
  });
  it.each([
    [{ name: '' }, /e\.json: name/],
    [{ t0: '11/11 midnight' }, /e\.json: t0/],
    [{ timeZone: 'Mars/Olympus' }, /timeZone/],
    [{ currency: { code: 'yuan', minorDigits: 2 } }, /currency\.code/],
    [{ currency: { code: 'CNY', minorDigits: 9 } }, /currency\.minorDigits/],
    [{ target: 1000 }, /target/],
    [{ target: '10.001' }, /target/],
    [{ milestones: ['100', '50'] }, /milestones\[1\]/],
    [{ locale: 'fr' }, /locale/],
    [{ map: 'mars' }, /e\.json: map must be one of/],
    [{ flashSkus: [{ sku: 'a b', name: 'x', stock: 1 }] }, /flashSkus\[0\]\.sku/],
    [{ flashSkus: [{ sku: 'a', name: 'x', stock: 0 }] }, /flashSkus\[0\]\.stock/],
    [
      {
        flashSkus: [
          { sku: 'a', name: 'x', stock: 1 },
          { sku: 'a', name: 'y', stock: 2 },
        ],
      },
      /flashSkus\[1\]\.sku repeats/,
    ],
    [
      {
        lastYear: {
          total: '100.00',
          curve: [
            [0, '0'],
            [60, '50.00'],
            [30, '60.00'],
          ],
        },
      },
      /lastYear\.curve\[2\]\[0\]/,
    ],
    [
      {
        lastYear: {
          total: '100.00',
          curve: [
            [0, '10'],
            [60, '5'],
          ],
        },
      },
      /lastYear\.curve\[1\]\[1\]/,
    ],
    [
      {
        lastYear: {
          total: '100.00',
          curve: [
            [0, '0'],
            [60, '500'],
          ],
        },
      },
      /ends above lastYear\.total/,
    ],
    [{ lastYear: { curve: [] } }, /lastYear\.total/],
    // Typos fail at start instead of silently falling back to a default.
    [{ timezone: 'Asia/Shanghai' }, /e\.json: timezone is not a known key \(did you mean "timeZone"\?\)/],
    [{ targt: '1.00' }, /e\.json: targt is not a known key; known keys: name, t0/],
    [{ currency: { code: 'CNY', minorDigits: 2, symbol: '¥' } }, /currency\.symbol is not a known key/],
    [{ flashSkus: [{ sku: 'a', name: 'x', stock: 1, Stock: 2 }] }, /flashSkus\[0\]\.Stock is not a known key \(did you mean "stock"\?\)/],
    [{ lastYear: { total: '1.00', curves: [] } }, /lastYear\.curves is not a known key/],
    // Minor digits are checked against ISO 4217: JPY with 2 would read every amount 100× too small.
    [{ currency: { code: 'JPY', minorDigits: 2 } }, /currency\.minorDigits is 2 but ISO 4217 gives JPY 0; set "nonIsoMinorDigits": true/],
    [{ currency: { code: 'KWD', minorDigits: 2 } }, /currency\.minorDigits is 2 but ISO 4217 gives KWD 3/],
    [{ currency: { code: 'XYZ', minorDigits: 2 } }, /currency\.code "XYZ" is not an ISO 4217 currency/],
    [{ currency: { code: 'JPY', minorDigits: 2, nonIsoMinorDigits: 'yes' } }, /currency\.nonIsoMinorDigits must be true or false/],
  ])('%o fails naming the field', (patch, re) => {
    expect(() => parseEventDefinition({ ...good, ...patch }, 'e.json', NOW)).toThrow(re);
  });
  it('defaults milestones by currency and the map by currency', () => {
    const { milestones: _m, ...noMilestones } = good;
    const cny = parseEventDefinition(noMilestones, 'e.json', NOW);
    expect(cny.milestonesMinor.slice(0, 2)).toEqual([1_000_000_000n, 10_000_000_000n]); // ¥1千万, ¥1亿 in fen
    expect(cny.map).toBe('china');
    const usd = parseEventDefinition({ ...noMilestones, currency: { code: 'USD', minorDigits: 2 } }, 'e.json', NOW);
    expect(usd.milestonesMinor[0]).toBe(100_000_000n); // $1M in cents
    expect(usd.map).toBe('usa');
    const eur = parseEventDefinition({ ...noMilestones, currency: { code: 'EUR', minorDigits: 2 } }, 'e.json', NOW);
    expect(eur.map).toBe('china'); // world only when configured
    expect(parseEventDefinition({ ...good, map: 'world' }, 'e.json', NOW).map).toBe('world');
  });
  it("adds last year's total to the milestones, in order, and keeps its curve exact", () => {
    const e = parseEventDefinition(
      {
        ...good,
        lastYear: {
          total: '50000000.00',
          curve: [
            [0, '0'],
            [71, '10000000.00'],
          ],
        },
      },
      'e.json',
      NOW,
    );
    expect(e.milestonesMinor).toEqual([1_000_000_000n, 5_000_000_000n, 10_000_000_000n]);
    expect(e.lastYearMinor).toBe(5_000_000_000n);
    expect(e.lastYearCurve).toEqual([
      [0, 0n],
      [71, 1_000_000_000n],
    ]);
  });
  it("takes ISO 4217 minor digits (not CLDR's) and allows others only when the file says so", () => {
    const with_ = (currency: object) => parseEventDefinition({ ...good, milestones: ['10000000', '100000000'], currency }, 'e.json', NOW);
    expect(with_({ code: 'JPY', minorDigits: 0 }).minorDigits).toBe(0);
    expect(with_({ code: 'KWD', minorDigits: 3 }).minorDigits).toBe(3);
    expect(with_({ code: 'HUF', minorDigits: 2 }).minorDigits).toBe(2); // ICU/CLDR says 0
    expect(with_({ code: 'JPY', minorDigits: 2, nonIsoMinorDigits: true }).minorDigits).toBe(2);
    expect(with_({ code: 'PTS', minorDigits: 0, nonIsoMinorDigits: true }).currency).toBe('PTS');
    expect(with_({ code: 'CNY', minorDigits: 2, nonIsoMinorDigits: false }).minorDigits).toBe(2);
  });
  it('names WARROOM_T0 when the override is bad', () => {
    expect(() => parseEventDefinition(good, 'e.json', NOW, 'soon')).toThrow(/WARROOM_T0/);
  });
});
