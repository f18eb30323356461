/**
 * The catch-up after a source outage, from outside: the production server as a process, a producer
 * that stamps `ts` and buffers while Redis is stopped, then writes its whole buffer at once (entry
 * IDs after the outage). The per-second series and the peak count by event time, so the burst is
 * not reported as demand; the outage is recorded and sent (the wall shades it); and while Redis is
 * down the wall's rates read "—", not 0.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Browser } from 'playwright-core';
import { freePort, startRedis, type RedisProcess } from '../../scripts/redis-process';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { BufferedProducer } from '../support/buffered-producer';
import { apiState, drained, FAULT_VIEWER_TOKEN, serverEnv, sleep } from '../support/fault-env';
import { waitFor } from '../support/warroom';
import { launchChromium } from '../support/browser';
import { checkWall, expectWallClean } from '../support/wall-checks';

const SHOTS = 'tests/.artifacts/screenshots';
const RATE = 150;
/** The admin token serverEnv configures (creates the executive account). */
const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';
const DOWN_MS = 6000;

let redis: RedisProcess | undefined;
let server: ServerProcess | undefined;
let producer: BufferedProducer | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  await producer?.stop().catch(() => undefined);
  await server?.stop();
  await redis?.stop();
  browser = producer = server = redis = undefined;
});

const digits = (s: string | null): string => (s ?? '').replace(/\D/g, '');

describe('catch-up after a source outage', () => {
  it('counts the buffered orders when they happened: no false peak, the gap marked, rates "—" while down', async () => {
    mkdirSync(SHOTS, { recursive: true });
    redis = await startRedis({ persistent: true });
    const port = await freePort();
    // T0 on a whole second, so the series' buckets are the epoch's seconds.
    server = await spawnServer(serverEnv(redis.url, new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString()), port);
    producer = new BufferedProducer({ redisUrl: redis.url, ratePerSec: RATE });
    producer.start();

    browser = await launchChromium();
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${server.url}/wall?token=${FAULT_VIEWER_TOKEN}`);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    // The executive view too, signed in as an executive.
    const acc = await fetch(`${server.url}/api/admin/accounts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'exec-catchup', password: 'Blue-Harbor-7421!', role: 'executive' }),
    });
    expect(acc.status).toBe(201);
    const exec = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    exec.on('pageerror', (e) => pageErrors.push(e.message));
    expect(
      (await exec.request.post(`${server.url}/api/login`, { data: { username: 'exec-catchup', password: 'Blue-Harbor-7421!' } })).status(),
    ).toBe(204);
    await exec.goto(`${server.url}/`);
    await exec.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    const rate1s = page.getByTestId('rate1s');
    await expect.poll(async () => Number(digits(await rate1s.textContent())), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('outage-key').count()).toBe(0);
    await sleep(2000);

    // Redis goes away; the producer keeps its orders.
    const stopAt = Date.now();
    await redis.terminate();
    await page.locator('[data-testid="rate1s"].unknown').waitFor({ timeout: 10_000 });
    expect(await rate1s.textContent()).toBe('—');
    expect(await page.getByTestId('dispatch-rate').textContent()).toBe('—');
    expect(await page.locator('[data-testid="ingest"] b').textContent()).toBe('—');
    await expect.poll(() => exec.getByTestId('exec-avg10').textContent(), { timeout: 10_000 }).toMatch(/^—/);
    expect(await exec.getByTestId('exec-avg60').textContent()).toMatch(/^—/);
    expect(await exec.getByTestId('exec-ingest').textContent()).toMatch(/^—/);
    expect(await exec.getByTestId('rate1s').textContent()).toBe('—');
    const during = await waitFor(
      async () => {
        const s = await apiState(server!.url);
        return s?.source.redis === 'down' && s.outages.at(-1)?.toMs === null ? s : undefined;
      },
      10_000,
      'the open outage in /api/state',
    );
    expect(during.outages.at(-1)!.fromMs).toBeLessThanOrEqual(stopAt + 2000);
    await page.getByTestId('outage-key').waitFor({ timeout: 5000 });
    await page.screenshot({ path: `${SHOTS}/catch-up-during-outage-1920x1080.png` });
    // The "—" figures and the outage key are as legible as the rest (size, contrast, no clipping).
    expectWallClean(await checkWall(page));
    await sleep(Math.max(0, DOWN_MS - (Date.now() - stopAt)));

    const backAt = Date.now();
    redis = await startRedis({ port: redis.port, dir: redis.dir, persistent: true });
    await waitFor(() => (producer!.buffered === 0 ? true : undefined), 15_000, 'the producer to write its buffer');
    await sleep(3000);
    const maxBuffered = producer.maxBuffered;
    await producer.stop();
    const ledger = producer.ledger;
    const perSecond = producer.perSecond;
    producer = undefined;
    await drained(server.url, ledger.orders, 60_000);
    await sleep(500);
    const s = (await apiState(server.url))!;

    // Exact, and nothing lost or doubled.
    expect(s.totals.orders).toBe(ledger.orders);
    expect(s.totals.gmvMinor).toBe(ledger.gmvMinor.toString());
    expect(s.alarms).toEqual([]);

    // The outage, closed, as long as Redis was away.
    const o = s.outages.at(-1)!;
    expect(o.toMs).not.toBeNull();
    expect(o.fromMs).toBeGreaterThan(stopAt - 10_000);
    expect(o.fromMs).toBeLessThanOrEqual(stopAt + 2000);
    expect(o.toMs!).toBeGreaterThanOrEqual(backAt);
    expect(o.toMs!).toBeLessThan(backAt + 15_000);

    // The writes came as a burst in entry-ID time (what counting by arrival would have charted)...
    const c = new Redis(redis.url);
    const byEntrySecond = new Map<number, number>();
    for (const [id] of await c.xrange('wr:orders', '-', '+')) {
      const sec = Math.floor(Number(id.split('-')[0]) / 1000);
      byEntrySecond.set(sec, (byEntrySecond.get(sec) ?? 0) + 1);
    }
    c.disconnect();
    const burst = Math.max(...byEntrySecond.values());
    expect(maxBuffered).toBeGreaterThanOrEqual(RATE * (DOWN_MS / 1000 - 1));
    expect(burst).toBeGreaterThanOrEqual(2.5 * RATE);

    // ...but the series holds every second exactly as the orders happened, outage seconds included,
    // so the night's peak is the real rate.
    const start = s.series.startMs / 1000;
    for (const [sec, n] of perSecond) expect(s.series.orders[sec - start], `second ${sec}`).toBe(n);
    const peak = Math.max(...s.series.orders);
    expect(peak).toBe(Math.max(...perSecond.values()));
    expect(peak).toBeLessThanOrEqual(RATE + 1);
    const outageSeconds = [...perSecond.keys()].filter((sec) => sec * 1000 > stopAt && (sec + 1) * 1000 < backAt);
    expect(outageSeconds.length).toBeGreaterThanOrEqual(DOWN_MS / 1000 - 2);
    for (const sec of outageSeconds) expect(s.series.orders[sec - start]).toBeGreaterThan(0.9 * RATE);

    // The wall: rates known again, the same peak and orders as /api/state, the outage still marked.
    await expect.poll(async () => rate1s.textContent(), { timeout: 10_000 }).not.toBe('—');
    await expect
      .poll(async () => digits(await page.locator('[data-testid="peak"] b').textContent()), { timeout: 10_000 })
      .toBe(String(peak));
    await expect
      .poll(async () => digits(await page.getByTestId('orders').textContent()), { timeout: 10_000 })
      .toBe(String(s.totals.orders));
    expect(await page.getByTestId('outage-key').count()).toBe(1);
    expectWallClean(await checkWall(page));
    await exec.getByTestId('exec-outage-key').waitFor({ timeout: 10_000 });
    await expect.poll(() => exec.getByTestId('exec-avg60').textContent(), { timeout: 10_000 }).toMatch(/^\d/);
    await exec.screenshot({ path: `${SHOTS}/catch-up-exec-1440x900.png` });
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/catch-up-after-outage-1920x1080.png` });
    process.stdout.write(
      `catch-up: ${ledger.orders} orders at ${RATE}/s, Redis down ${backAt - stopAt} ms, ${maxBuffered} buffered, ` +
        `burst ${burst} entries in one second of entry time, peak by event time ${peak}/s, outage ${o.fromMs - stopAt} ms … +${o.toMs! - backAt} ms\n`,
    );
  }, 150_000);
});
