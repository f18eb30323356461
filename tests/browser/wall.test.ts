import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestWarroom, testEvent, VIEWER_TOKEN, type TestWarroom } from '../support/warroom';
import { formatMoney } from '../../client/format';
import { checkWall } from '../support/wall-checks';

const SHOTS = 'tests/.artifacts/screenshots';
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

async function openWall(w: TestWarroom, width: number, height: number, init?: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  if (init) await page.addInitScript(init);
  await page.goto(`${w.app.url}/wall?token=${VIEWER_TOKEN}`);
  return page;
}

/** Every panel inside the canvas, nothing painted outside it, no overlap, nothing scrolls. */
async function expectNoOverflow(page: Page): Promise<void> {
  const r = await checkWall(page);
  expect(r.inside).toEqual([]);
  expect(r.overlap).toEqual([]);
}

describe('wall in Chromium', () => {
  it('shows the exact GMV of XADDed orders, live, at 1080p and 4K', async () => {
    const w = await startTestWarroom({}, testEvent({ t0Ms: Date.now() - 71_000 }));
    try {
      const page = await openWall(w, 1920, 1080);
      expect(page.url()).not.toContain('token='); // the token left the address bar
      await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 10_000 });

      let sum = 0n;
      const k = w.prefix;
      for (let i = 0; i < 40; i++) {
        const minor = BigInt(1 + ((i * 7919) % 5_000_000));
        sum += minor;
        const major = `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
        await w.redis.xadd(`${k}orders`, '*', 'id', `o${i}`, 'amount', major, 'region', 'CN-GD');
      }
      await w.redis.xadd(`${k}orders`, '*', 'id', 'poison', 'amount', '1e309');
      await w.redis.xadd(`${k}logistics`, '*', 'id', 'l1', 'stage', 'dispatched', 'parcels', '1234');
      await w.redis.xadd(
        `${k}weather`,
        '*',
        'id',
        'w1',
        'region',
        'CN-GD',
        'severity',
        'severe',
        'kind',
        'storm',
        'text',
        '<img src=x onerror="window.__pwned=1">Typhoon',
      );

      const expected = formatMoney(sum, 2, 'CNY', 'zh-CN');
      await page.waitForFunction((text) => document.querySelector('[data-testid="gmv"]')?.textContent === text, expected, {
        timeout: 10_000,
      });
      expect(await page.getByTestId('gmv').getAttribute('data-exact')).toBe(sum.toString());
      await expect.poll(() => page.getByTestId('orders').textContent()).toBe('40');
      await expect.poll(() => page.getByTestId('parcels-dispatched').textContent()).toBe('1,234');
      await expect.poll(() => page.getByTestId('rejected').textContent()).toMatch(/1$/);
      // Untrusted alert text is shown as text, never run as HTML.
      await expect.poll(() => page.getByTestId('alert').textContent()).toContain('<img src=x');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('.canvas img').count()).toBe(0);

      const state = (await (await fetch(`${w.app.url}/api/state`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as {
        totals: { gmvMinor: string };
      };
      expect(state.totals.gmvMinor).toBe(sum.toString());

      await expectNoOverflow(page);
      await page.screenshot({ path: `${SHOTS}/wall-1920x1080.png` });
      await page.setViewportSize({ width: 3840, height: 2160 });
      await page.waitForTimeout(300);
      await expectNoOverflow(page);
      const fontPx = await page.getByTestId('gmv').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(fontPx).toBeGreaterThan(200); // scaled up with the screen, not a blurred bitmap
      await page.screenshot({ path: `${SHOTS}/wall-3840x2160.png` });

      // Ticks stop while the socket stays open: stale after 3 s without data (not at the first late
      // tick: the flags have hysteresis, see client/live/staleness.ts), with polling slack.
      w.app.publisher.stop();
      const frozenAt = Date.now();
      await page.locator('[data-testid="connection"][data-state="stale"]').waitFor({ timeout: 10_000 });
      expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(2500);
      expect(await page.getByTestId('connection').textContent()).toMatch(/数据停滞于 \d\d:\d\d:\d\d/);
      // Every panel says how old its data is (a tab on its edge, with an SVG clock).
      await expect.poll(() => page.getByTestId('data-age').count()).toBeGreaterThanOrEqual(10);
      expect(await page.getByTestId('data-age').first().textContent()).toMatch(/^\d+秒前$/);
      expect(await page.getByTestId('data-age').first().locator('svg').count()).toBe(1);
      // The numbers stay on screen, exact, while stale.
      expect(await page.getByTestId('gmv').textContent()).toBe(expected);
      await page.context().close();
    } finally {
      await w.close();
    }
  });

  it('raises lost history on the wall, a new epoch, and keeps the exact figures', async () => {
    const w = await startTestWarroom({ WARROOM_HISTORY_CHECK_MS: '200' }, testEvent({ t0Ms: Date.now() - 600_000 }));
    try {
      await w.redis.xadd(`${w.prefix}orders`, '*', 'id', 'a', 'amount', '88.80');
      const page = await openWall(w, 1920, 1080);
      await page.waitForFunction(() => document.querySelector('[data-testid="gmv"]')?.textContent === '¥88.80', undefined, {
        timeout: 10_000,
      });
      await w.redis.del(`${w.prefix}orders`); // as if Redis came back without the stream
      await expect
        .poll(() => page.getByTestId('alarm').textContent(), { timeout: 5000 })
        .toMatch(/历史数据丢失 · t[0-9a-f]+:orders · \d\d:\d\d:\d\d · 数字可能不完整/);
      expect(await page.getByTestId('gmv').textContent()).toBe('¥88.80');
      await expectNoOverflow(page);
      await page.screenshot({ path: `${SHOTS}/wall-alarm-1920x1080.png` });
      await page.context().close();
    } finally {
      await w.close();
    }
  });

  it('counts down to T0 on server time even when the PC clock is 7 minutes off', async () => {
    const t0Ms = Date.now() + 45_000;
    const w = await startTestWarroom({}, testEvent({ t0Ms }));
    try {
      const skew = 'const __real = Date.now; Date.now = () => __real() - 7 * 60_000;';
      const page = await openWall(w, 1920, 1080, skew);
      await page.getByTestId('connection').and(page.locator('[data-state="live"]')).waitFor({ timeout: 10_000 });
      // Give the clock probes a moment, then compare the countdown with the true seconds left.
      await page.waitForTimeout(1000);
      const shown = await page.getByTestId('countdown').locator('.value').textContent();
      const [mm, ss] = shown!.split(':').map(Number);
      const left = Math.ceil((t0Ms - Date.now()) / 1000);
      expect(Math.abs(mm! * 60 + ss! - left)).toBeLessThanOrEqual(1);
      expect(await page.getByTestId('tplus').textContent()).toMatch(/^T−00:00:\d\d$/);
      await expectNoOverflow(page);
      await page.screenshot({ path: `${SHOTS}/wall-countdown-1920x1080.png` });
      await page.context().close();
    } finally {
      await w.close();
    }
  });
});
