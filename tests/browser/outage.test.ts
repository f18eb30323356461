/**
 * The wall through a server outage, in Chromium, with the production server as a real process
 * stopped and started again on the same port:
 * - the kiosk watchdog (limit shortened with ?watchdogSec=3) wants a reload but the server does
 *   not answer, so the page never navigates (no "This site can't be reached"), keeps its figures
 *   with the outage shown, and is live again within 10 s of the restart;
 * - every string the screen can show offline renders in the shipped font, pixel for pixel as
 *   with every slice loaded (no tofu, no system fallback), and the age chips cover nothing;
 * - ticks a few hundred ms late do not flag the data stale; a real pause does, after a few
 *   seconds, and the flag leaves only once data flows again steadily.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { spawnServer, type ServerProcess } from '../support/server-process';
import { drained, FAULT_VIEWER_TOKEN, serverEnv, sleep } from '../support/fault-env';
import { freePort } from '../../scripts/redis-process';
import { Feed } from '../support/feed';
import { glyphHashes, loadAllGlyphs, type GlyphSample } from '../support/glyph-render';
import { coveredByChips } from '../support/covered';
import { checkWall, expectWallClean } from '../support/wall-checks';
import { fill, labels } from '../../client/i18n';
import { formatMoney } from '../../client/format';

const SHOTS = 'tests/.artifacts/screenshots';
const LIMIT_S = 3;
let browser: Browser;
let server: ServerProcess;
let env: Record<string, string>;
let port: number;
let prefix: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  prefix = `o${randomBytes(4).toString('hex')}:`;
  env = serverEnv(inject('redisUrl'), new Date(Date.now() - 10 * 60_000).toISOString(), { WARROOM_KEY_PREFIX: prefix });
  port = await freePort();
  [browser, server] = await Promise.all([launchChromium(), spawnServer(env, port)]);
  const feed = new Feed({ redisUrl: inject('redisUrl'), prefix, ratePerSec: 300, seed: 11 });
  feed.start();
  await sleep(1500);
  await feed.stop();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

const state = (page: Page): Promise<string | null> => page.getByTestId('connection').getAttribute('data-state');

/** The wall with a 3 s watchdog; records every navigation of the main frame after the first load. */
async function openWall(lang: 'zh-CN' | 'en'): Promise<{ page: Page; navigations: string[]; log: string[] }> {
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 })).newPage();
  const log: string[] = [];
  page.on('console', (m) => log.push(m.text()));
  await page.goto(`${server.url}/wall?token=${FAULT_VIEWER_TOKEN}&lang=${lang}&watchdogSec=${LIMIT_S}`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
  await page.evaluate(() => document.fonts.ready); // the glyph preload has been asked for at start
  const navigations: string[] = [];
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations.push(f.url());
  });
  return { page, navigations, log };
}

/** Every label in both languages and weights, the ages it can show, and what is on screen now. */
async function offlineSamples(page: Page): Promise<GlyphSample[]> {
  const texts = new Set<string>();
  for (const t of [labels('zh-CN'), labels('en')]) {
    for (const v of Object.values(t)) texts.add(v);
    for (const s of [0, 7, 35, 59]) texts.add(fill(t.ageSeconds, { s }));
    texts.add(fill(t.ageMinutes, { m: 12 }));
    texts.add(fill(t.ageHours, { h: 3, m: 45 }));
    texts.add(`${t.staleSince} 23:59:58`);
  }
  for (const el of await page.locator('[data-testid="connection"], [data-testid="data-age"], .canvas header').all())
    texts.add((await el.innerText()).trim());
  return [...texts].flatMap((text) => [400, 700].map((weight) => ({ text, weight: weight as 400 | 700 })));
}

describe('the wall through a server outage', () => {
  it('never leaves the rendered wall while the server is down, shows the outage in loaded glyphs, and is live within 10 s of its return', async () => {
    const walls = await Promise.all([openWall('zh-CN'), openWall('en')]);
    // The counter has rolled up to the server's exact figure.
    const exact = (await drained(server.url, 1)).totals.gmvMinor;
    const gmv = (['zh-CN', 'en'] as const).map((l) => formatMoney(BigInt(exact), 2, 'CNY', l));
    for (const [i, { page }] of walls.entries())
      await expect.poll(() => page.getByTestId('gmv').textContent(), { timeout: 10_000 }).toBe(gmv[i]);
    expect(gmv[0]).toMatch(/^¥[1-9][\d,]*\.\d\d$/);

    // Block the network for the pages too: nothing may load from now on.
    for (const { page } of walls) await page.route('**/*', (r) => r.abort('internetdisconnected'));
    await server.stop();
    const downAt = Date.now();
    // Well past the watchdog's limit: it wants to reload, asks the server, and stays.
    while (Date.now() - downAt < (LIMIT_S + 12) * 1000) {
      for (const [i, { page }] of walls.entries()) {
        expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/wall/);
        expect(await page.getByTestId('gmv').textContent()).toBe(gmv[i]);
      }
      await sleep(500);
    }
    for (const { page, navigations, log } of walls) {
      expect(navigations).toEqual([]);
      expect(log.some((l) => /wanted a reload \(offline for \d+ s\) but the server does not answer: staying on the wall/.test(l))).toBe(
        true,
      );
      expect(await state(page)).toBe('offline');
      expect(await page.getByTestId('data-age').count()).toBeGreaterThanOrEqual(10); // one per panel
      expect(await page.evaluate(() => document.body.innerText.includes('\u23f1'))).toBe(false); // the icon is SVG
    }
    const [zh, en] = walls.map((w) => w.page) as [Page, Page];
    expect(await zh.getByTestId('connection').innerText()).toMatch(/^数据停滞于 \d\d:\d\d:\d\d$/);
    expect(await zh.getByTestId('data-age').first().innerText()).toMatch(/^\d+秒前$/);
    expect(await en.getByTestId('connection').innerText()).toMatch(/^Stale since \d\d:\d\d:\d\d$/);
    expect(await en.getByTestId('data-age').first().innerText()).toMatch(/^\d+ s old$/);

    // The chips cover nothing, and the offline wall is clean by the wall checks.
    for (const page of [zh, en]) {
      expect(await coveredByChips(page, '[data-testid="data-age"]')).toEqual([]);
      expectWallClean(await checkWall(page));
    }
    await zh.screenshot({ path: `${SHOTS}/wall-outage-zh-1920x1080.png` });
    await en.screenshot({ path: `${SHOTS}/wall-outage-en-1920x1080.png` });
    const samples = [
      ...new Map([...(await offlineSamples(zh)), ...(await offlineSamples(en))].map((s) => [`${s.weight}${s.text}`, s])).values(),
    ];
    const offline = await glyphHashes(zh, samples);

    // Back on the same port: the socket reconnects by itself, no reload needed.
    for (const { page } of walls) await page.unroute('**/*');
    server = await spawnServer(env, port);
    const upAt = Date.now();
    await Promise.all(walls.map(({ page }) => page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 })));
    const liveAfterMs = Date.now() - upAt;
    expect(liveAfterMs).toBeLessThan(10_000);
    for (const { navigations } of walls) expect(navigations).toEqual([]);
    process.stdout.write(
      `outage: ${LIMIT_S + 12} s down, no navigation, live ${liveAfterMs} ms after the restart; ${samples.length} glyph samples\n`,
    );

    // The same strings with every slice loaded, in a fresh page: pixel for pixel the same.
    const ref = (await openWall('zh-CN')).page;
    await loadAllGlyphs(ref, samples);
    const online = await glyphHashes(ref, samples);
    const differ = samples.filter((_, i) => offline[i] !== online[i]).map((s) => `${s.weight} "${s.text}"`);
    expect(differ).toEqual([]);
  }, 120_000);

  it('ticks late by hundreds of ms flag nothing; a 6 s pause shows stale after ≥ 3 s, cleared only after steady data again', async () => {
    if (server.proc.exitCode !== null || server.proc.signalCode !== null) server = await spawnServer(env, port);
    const { page } = await openWall('zh-CN');
    const seen: string[] = [];
    const sample = async (ms: number): Promise<void> => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        seen.push(`${await state(page)}:${await page.getByTestId('data-age').count()}`);
        await sleep(50);
      }
    };
    // A stalled server process: the socket stays open, the ticks stop for 700 ms, three times.
    for (let i = 0; i < 3; i++) {
      server.proc.kill('SIGSTOP');
      await sample(700);
      server.proc.kill('SIGCONT');
      await sample(600);
    }
    expect([...new Set(seen)]).toEqual(['live:0']);

    seen.length = 0;
    server.proc.kill('SIGSTOP');
    const stoppedAt = Date.now();
    await page.locator('[data-testid="connection"][data-state="stale"]').waitFor({ timeout: 10_000 });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(2_500); // 3 s in the page, minus polling slack
    await sleep(Math.max(0, 6_000 - (Date.now() - stoppedAt)));
    server.proc.kill('SIGCONT');
    const resumedAt = Date.now();
    await sample(1_200);
    expect(seen.every((s) => s.startsWith('stale:'))).toBe(true); // data again, but not yet steady for 2 s
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    expect(Date.now() - resumedAt).toBeGreaterThanOrEqual(1_500);
    expect(await page.getByTestId('data-age').count()).toBe(0);
  }, 60_000);
});
