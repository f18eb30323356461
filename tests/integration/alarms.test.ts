/**
 * Alarms and start-up trust, from outside: the production server bundle as a real process against
 * its own redis-server. A checkpoint that is valid JSON with wrong types inside, garbage in the
 * banner and event-override keys, and a checkpoint in another currency never crash or silently
 * mislead the start; alarms survive kill -9 and stay (with /healthz 503) until an admin
 * acknowledges them; checkpoints refused by a full Redis (maxmemory, noeviction) raise an alarm.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { apiState, drained, health, serverEnv, sleep, whenOwner } from '../support/fault-env';
import type { Alarm } from '../../shared/wire';
import type { AuditEntry } from '../../shared/api';

/** The parts of the saved checkpoint JSON these tests read or spoil. */
interface SavedJson {
  currency?: unknown;
  aggregate: {
    dedupe: { orders: { gen: unknown } };
    parts: {
      orders: { orders: number; rolling: unknown; breakdowns: { regions: unknown[][] }; milestones: { reachedAtMs: unknown }[] };
      logistics: { parcels: { picked: unknown } };
    };
  };
}

const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';
const T0 = new Date(Date.now() - 60_000).toISOString();

interface Rig {
  redis: RedisProcess;
  r: Redis;
  port: number;
  server: ServerProcess | null;
  start(extra?: Record<string, string>): Promise<ServerProcess>;
}

async function rig(): Promise<Rig> {
  const redis = await startRedis();
  const x: Rig = {
    redis,
    r: new Redis(redis.url),
    port: await freePort(),
    server: null,
    async start(extra = {}) {
      // A short lease: after kill -9 the restarted server waits for the dead one's lease to expire.
      x.server = await spawnServer(
        serverEnv(redis.url, T0, { WARROOM_HISTORY_CHECK_MS: '500', WARROOM_LEASE_MS: '1000', ...extra }),
        x.port,
      );
      await whenOwner(x.server.url);
      return x.server;
    },
  };
  return x;
}

async function close(x: Rig | undefined): Promise<void> {
  await x?.server?.stop();
  x?.r.disconnect();
  await x?.redis.stop();
}

async function feed(r: Redis, n: number, from = 0): Promise<void> {
  const p = r.pipeline();
  for (let i = from; i < from + n; i++)
    p.xadd('wr:orders', '*', 'id', `o${i}`, 'amount', '12.50', 'region', 'CN-GD', 'channel', 'app', 'category', 'beauty');
  await p.exec();
}

/** Waits until the saved checkpoint holds `orders`; returns its JSON. */
async function checkpointWith(r: Redis, orders: number): Promise<SavedJson> {
  const until = Date.now() + 20_000;
  for (;;) {
    const text = await r.get('wr:ckpt');
    const cp = text ? (JSON.parse(text) as SavedJson) : null;
    if (cp?.aggregate?.parts?.orders?.orders === orders) return cp;
    if (Date.now() > until) throw new Error(`no checkpoint with ${orders} orders (has ${cp?.aggregate?.parts?.orders?.orders})`);
    await sleep(100);
  }
}

async function waitUntil<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

const admin = (url: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> =>
  fetch(`${url}${path}`, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

async function ack(url: string, id: string): Promise<Alarm> {
  const res = await admin(url, `/api/admin/alarms/${encodeURIComponent(id)}/ack`, { method: 'POST', body: {} });
  expect(res.status).toBe(200);
  return (await res.json()) as Alarm;
}

const activeAlarms = async (url: string): Promise<Alarm[]> => ((await apiState(url))?.alarms ?? []).filter((a) => a.ackedAtMs === null);

describe('a checkpoint that is valid JSON with wrong inner types', () => {
  let x: Rig;
  beforeAll(async () => {
    x = await rig();
  });
  afterAll(() => close(x));

  it.each<[string, (cp: SavedJson, r: Redis) => Promise<void> | void, RegExp]>([
    ['aggregate.rolling = "x"', (cp) => void (cp.aggregate.parts.orders.rolling = 'x'), /aggregate\.parts\.orders\.rolling/],
    ['dedupe.orders.gen = "1"', (cp) => void (cp.aggregate.dedupe.orders.gen = '1'), /dedupe state of orders/],
    [
      'parcels.picked = "3" (a number as a string)',
      (cp) => void (cp.aggregate.parts.logistics.parcels.picked = '3'),
      /aggregate\.parts\.logistics\.parcels\.picked/,
    ],
    [
      'a region row count as a string',
      (cp) => void (cp.aggregate.parts.orders.breakdowns.regions[0]![2] = '20'),
      /breakdowns\.regions\[0\]\[2\]/,
    ],
    [
      'a milestone time as a string',
      (cp) => void (cp.aggregate.parts.orders.milestones[0]!.reachedAtMs = 'yesterday'),
      /milestones\[0\]\.reachedAtMs/,
    ],
    [
      'the series hash replaced by a string (WRONGTYPE)',
      async (_cp, r) => void (await r.multi().del('wr:ckpt:series').set('wr:ckpt:series', 'x').exec()),
      /wrong Redis type/,
    ],
    [
      'a series second as a string',
      async (_cp, r) => void (await r.hset('wr:ckpt:series', '0', JSON.stringify({ orders: ['1'], gmvMinor: [1250] }))),
      /series chunk 0\.orders\[0\]/,
    ],
  ])(
    '%s: the start succeeds, recounts exactly, raises checkpoint_corrupt and /healthz answers 503 until acknowledged',
    async (_what, corrupt, where) => {
      if (!x.server) {
        await x.start();
        await feed(x.r, 20);
        await drained(x.server!.url, 20);
      }
      await x.server!.stop(); // a clean stop saves a last checkpoint
      const cp = await checkpointWith(x.r, 20);
      await corrupt(cp, x.r);
      await x.r.set('wr:ckpt', JSON.stringify(cp));

      const s = await x.start();
      const st = await drained(s.url, 20, 30_000);
      expect(st.orders).toBe(20);
      expect(st.totals.gmvMinor).toBe('25000');
      expect(st.breakdowns.regions).toEqual([{ key: 'CN-GD', gmvMinor: '25000', orders: 20 }]);
      expect(st.parcels.picked).toBe(0);
      const alarm = st.alarms.find((a) => a.kind === 'checkpoint_corrupt' && a.ackedAtMs === null);
      expect(alarm?.detail).toMatch(where);
      expect(s.log()).toMatch(/checkpoint unusable, recounting from the streams/);
      expect(s.log()).toMatch(/ALARM checkpoint_corrupt/);
      expect((await health(s.url))?.status).toBe(503);
      expect(await x.r.keys('wr:ckpt-aside:*')).not.toEqual([]);

      await ack(s.url, alarm!.id);
      const h = await waitUntil(
        async () => {
          const hh = await health(s.url);
          return hh?.status === 200 ? hh : undefined;
        },
        10_000,
        'health 200 after the acknowledgement',
      );
      expect(h.body.alarms).toEqual([]);
    },
    90_000,
  );
});

describe('garbage in the banner and event-override keys', () => {
  let x: Rig;
  beforeAll(async () => {
    x = await rig();
  });
  afterAll(() => close(x));
  afterEach(() => x.server?.stop());

  it('is ignored with a config_garbage alarm and a log line; the event file applies; the start is not blocked', async () => {
    await x.r.set('wr:sec:banner', '{"text": "half a banner');
    await x.r.set('wr:sec:event', JSON.stringify({ t0Ms: 'soon', targetMinor: '12x', milestonesMinor: ['500', '100'] }));
    const s = await x.start();
    const st = (await apiState(s.url))!;
    expect(st.event.t0Ms).toBe(Date.parse(T0));
    expect(st.event.targetMinor).toBe('100000000000'); // events/demo.json
    expect(st.banner).toBeNull();
    const garbage = st.alarms.filter((a) => a.kind === 'config_garbage');
    expect(garbage.map((a) => `${a.stream}: ${a.detail}`).sort()).toEqual([
      expect.stringMatching(/^wr:sec:banner: stored banner ignored: is not JSON/),
      expect.stringMatching(/^wr:sec:event: .*milestonesMinor/),
      expect.stringMatching(/^wr:sec:event: .*t0Ms/),
      expect.stringMatching(/^wr:sec:event: .*targetMinor/),
    ]);
    expect(s.log()).toMatch(/ALARM config_garbage on wr:sec:banner/);
    expect((await health(s.url))?.status).toBe(503);
  }, 60_000);

  it('also when the keys hold another Redis type (WRONGTYPE is garbage, not an outage)', async () => {
    await x.r.del('wr:sec:banner', 'wr:sec:event');
    await x.r.hset('wr:sec:banner', 'text', 'hi');
    await x.r.rpush('wr:sec:event', 't0');
    const s = await x.start();
    const details = (await activeAlarms(s.url)).filter((a) => a.kind === 'config_garbage').map((a) => a.detail);
    expect(details).toEqual(expect.arrayContaining([expect.stringMatching(/holds a hash/), expect.stringMatching(/holds a list/)]));
  }, 60_000);

  it('a valid override still applies beside a garbage field', async () => {
    await x.r.del('wr:sec:banner', 'wr:sec:event');
    const t0 = Date.parse(T0) + 3_600_000;
    await x.r.set('wr:sec:event', JSON.stringify({ t0Ms: t0, targetMinor: 5 }));
    const s = await x.start();
    const st = (await apiState(s.url))!;
    expect(st.event.t0Ms).toBe(t0);
    expect(st.alarms.filter((a) => a.kind === 'config_garbage' && a.ackedAtMs === null).map((a) => a.detail)).toContainEqual(
      expect.stringMatching(/targetMinor/),
    );
  }, 60_000);
});

describe('alarms across kill -9', () => {
  let x: Rig;
  beforeAll(async () => {
    x = await rig();
  });
  afterAll(() => close(x));

  it('an alarm raised while starting survives kill -9 right after the start, stays until acknowledged (audited), and stays listed acknowledged', async () => {
    await x.start();
    await feed(x.r, 5);
    await drained(x.server!.url, 5);
    await x.server!.stop();
    await x.r.set('wr:ckpt', '{"version": 1, "epoch": "torn'); // torn JSON: the cause is gone after this start

    let s = await x.start();
    const [raised] = (await activeAlarms(s.url)).filter((a) => a.kind === 'checkpoint_corrupt');
    expect(raised).toBeDefined();
    await s.kill9(); // at once: before the first timed checkpoint

    s = await x.start();
    const again = (await apiState(s.url))!.alarms.filter((a) => a.kind === 'checkpoint_corrupt');
    expect(again).toEqual([raised]); // the same alarm (id and time), not a new detection
    expect((await health(s.url))?.status).toBe(503);
    await s.kill9();

    s = await x.start();
    expect((await health(s.url))?.status).toBe(503);
    const acked = await ack(s.url, raised!.id);
    expect(acked).toMatchObject({ id: raised!.id, ackedBy: 'token:admin' });
    expect(typeof acked.ackedAtMs).toBe('number');
    expect((await admin(s.url, `/api/admin/alarms/${raised!.id}/ack`, { method: 'POST', body: {} })).status).toBe(404);
    await waitUntil(async () => ((await health(s.url))?.status === 200 ? true : undefined), 10_000, 'health 200');
    const audit = (await (await admin(s.url, '/api/admin/audit')).json()) as AuditEntry[];
    const entry = audit.find((e) => e.action === 'alarm.ack');
    expect(entry?.who).toBe('token:admin');
    expect(entry?.new).toContain(raised!.id);
    await sleep(300); // the acknowledgement is saved at once
    await s.kill9();

    s = await x.start();
    const after = (await apiState(s.url))!.alarms.filter((a) => a.kind === 'checkpoint_corrupt');
    expect(after).toEqual([acked]);
    await waitUntil(async () => ((await health(s.url))?.status === 200 ? true : undefined), 10_000, 'health 200 after the restart');
    expect((await apiState(s.url))!.orders).toBe(5);
  }, 120_000);
});

describe('an alarm raised while running', () => {
  let x: Rig;
  beforeAll(async () => {
    x = await rig();
  });
  afterAll(() => close(x));

  it('is saved at once: kill -9 right after it appears, with timed checkpoints 30 s apart, keeps it (the same alarm)', async () => {
    let s = await x.start({ WARROOM_CHECKPOINT_MS: '30000' });
    await feed(x.r, 5);
    await drained(s.url, 5);
    await x.r.del('wr:orders'); // Redis "lost" what was counted: history_lost within 0.5 s
    const [raised] = await waitUntil(
      async () => {
        const a = (await activeAlarms(s.url)).filter((b) => b.kind === 'history_lost');
        return a.length > 0 ? a : undefined;
      },
      10_000,
      'a history_lost alarm',
    );
    await s.kill9();
    s = await x.start({ WARROOM_CHECKPOINT_MS: '30000' });
    const after = (await apiState(s.url))!.alarms.filter((a) => a.kind === 'history_lost');
    expect(after).toEqual([raised]); // restored, not detected anew (that would be a new id)
    expect((await health(s.url))?.status).toBe(503);
  }, 60_000);
});

describe('saved state in another currency', () => {
  let x: Rig;
  let dir: string;
  beforeAll(async () => {
    x = await rig();
    dir = mkdtempSync(join(tmpdir(), 'warroom-event-'));
    copyFileSync('events/demo.json', join(dir, 'cny.json'));
    const ev = JSON.parse(readFileSync('events/demo.json', 'utf8')) as Record<string, unknown>;
    ev.currency = { code: 'KWD', minorDigits: 3 };
    delete ev.lastYear;
    delete ev.milestones;
    ev.target = '1000000.000';
    writeFileSync(join(dir, 'kwd.json'), JSON.stringify(ev));
  });
  afterAll(async () => {
    await close(x);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start naming both, unless WARROOM_NEW_EPOCH=1 sets the old state aside and recounts (audited)', async () => {
    await x.start({ WARROOM_EVENT: join(dir, 'cny.json') });
    await feed(x.r, 8);
    await drained(x.server!.url, 8);
    await x.server!.stop();
    expect((await checkpointWith(x.r, 8)).currency).toEqual({ code: 'CNY', minorDigits: 2 });

    const refused = await x.start({ WARROOM_EVENT: join(dir, 'kwd.json') }).then(
      () => null,
      (e: Error) => e.message,
    );
    x.server = null;
    expect(refused).toMatch(/exited with 2 before listening/);
    expect(refused).toContain('saved state is CNY with 2 minor digits, the event file says KWD with 3');
    expect(refused).toContain('WARROOM_NEW_EPOCH=1');
    expect((await checkpointWith(x.r, 8)).currency).toEqual({ code: 'CNY', minorDigits: 2 }); // untouched

    const s = await x.start({ WARROOM_EVENT: join(dir, 'kwd.json'), WARROOM_NEW_EPOCH: '1' });
    const st = await drained(s.url, 8);
    expect(st.event.currency).toBe('KWD');
    expect(st.totals.gmvMinor).toBe('100000'); // 8 × 12.500 KWD
    expect(s.log()).toMatch(/WARROOM_NEW_EPOCH: saved state was CNY with 2 minor digits/);
    const audit = (await (await admin(s.url, '/api/admin/audit')).json()) as AuditEntry[];
    expect(audit.find((e) => e.action === 'epoch.new')?.who).toBe('env:WARROOM_NEW_EPOCH');
    const aside = (await x.r.keys('wr:ckpt-aside:*')).sort();
    expect(aside).toEqual([expect.stringMatching(/^wr:ckpt-aside:\d{4}-/), `${aside[0]}:series`]);
    expect(JSON.parse((await x.r.get(aside[0]!))!).currency).toEqual({ code: 'CNY', minorDigits: 2 });
    expect(await x.r.pttl(aside[0]!)).toBeGreaterThan(6 * 86_400_000);
    await s.stop();
    expect((await checkpointWith(x.r, 8)).currency).toEqual({ code: 'KWD', minorDigits: 3 });

    // The new state is in KWD: a plain restart resumes it.
    const again = await x.start({ WARROOM_EVENT: join(dir, 'kwd.json') });
    expect((await apiState(again.url))!.totals.gmvMinor).toBe('100000');
  }, 120_000);
});

describe('checkpoints refused by a full Redis (maxmemory, noeviction)', () => {
  let x: Rig;
  beforeAll(async () => {
    x = await rig();
  });
  afterAll(() => close(x));

  it('raise checkpoint_failing and /healthz 503 within seconds; the alarm stays after saves recover, until acknowledged', async () => {
    const s = await x.start();
    await feed(x.r, 10);
    await drained(s.url, 10);
    // Fill it past a limit set afterwards, so Redis refuses every write (a limit reached by filling
    // leaves Redis just below it, where small writes still pass).
    const filler = 'x'.repeat(64 * 1024);
    const keys = 192; // 12 MiB
    for (let i = 0; i < keys; i++) await x.r.set(`filler:${i}`, filler);
    await x.r.config('SET', 'maxmemory-policy', 'noeviction');
    await x.r.config('SET', 'maxmemory', '8mb');
    await expect(x.r.set('probe', 'x')).rejects.toThrow(/OOM/);
    const fullAt = Date.now();
    const failing = await waitUntil(
      async () => {
        const h = await health(s.url);
        return h?.status === 503 && (h.body.alarms as { kind: string }[]).some((a) => a.kind === 'checkpoint_failing') ? h : undefined;
      },
      20_000,
      'a checkpoint_failing alarm',
    ).catch((e: Error) => {
      process.stdout.write(`server log:\n${s.log().slice(-3000)}\n`);
      throw e;
    });
    const detectedMs = Date.now() - fullAt;
    process.stdout.write(`checkpoint_failing raised ${detectedMs} ms after Redis filled up (${keys} filler keys)\n`);
    expect((failing.body.checkpoint as { consecutiveFailures: number }).consecutiveFailures).toBeGreaterThanOrEqual(3);
    const [alarm] = (await activeAlarms(s.url)).filter((a) => a.kind === 'checkpoint_failing');
    expect(alarm?.detail).toMatch(/OOM/);

    // Room again: saves succeed, the alarm stays until someone acknowledges it.
    for (let i = 0; i < keys; i += 100) await x.r.del(...Array.from({ length: Math.min(100, keys - i) }, (_, j) => `filler:${i + j}`));
    await waitUntil(
      async () => {
        const h = await health(s.url);
        return (h?.body.checkpoint as { consecutiveFailures: number } | undefined)?.consecutiveFailures === 0 ? true : undefined;
      },
      20_000,
      'checkpoints saving again',
    );
    expect((await health(s.url))?.status).toBe(503);
    await ack(s.url, alarm!.id);
    await waitUntil(async () => ((await health(s.url))?.status === 200 ? true : undefined), 10_000, 'health 200');
  }, 90_000);
});

describe('a Redis outage', () => {
  let redis: RedisProcess;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it('is not a checkpoint_failing alarm: saves are not refused, Redis is down (and health says so)', async () => {
    redis = await startRedis({ persistent: true });
    server = await spawnServer(serverEnv(redis.url, T0), await freePort());
    const r = new Redis(redis.url);
    await feed(r, 5);
    r.disconnect();
    await drained(server.url, 5);
    await redis.terminate();
    await waitUntil(async () => ((await health(server!.url))?.body.redis === 'down' ? true : undefined), 10_000, 'redis down');
    await sleep(8000); // well past 3 saves over 5 s
    redis = await startRedis({ port: redis.port, dir: redis.dir, persistent: true });
    const h = await waitUntil(
      async () => {
        const hh = await health(server!.url);
        return hh?.status === 200 ? hh : undefined;
      },
      20_000,
      'health 200 after the outage',
    );
    expect(h.body.alarms).toEqual([]);
    expect((await apiState(server.url))!.alarms).toEqual([]);
  }, 60_000);
});
