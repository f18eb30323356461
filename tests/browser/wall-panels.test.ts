/**
 * The wall's panels in Chromium against a real server: each figure on screen comes from XADDed
 * entries and equals `/api/state`; a milestone crossed while the wall is open is celebrated once;
 * last year's total, flash-sale sell-outs, rankings, payments, the severe-alert flash, sound and
 * `?lang=en`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestWarroom, testEvent, VIEWER_TOKEN, type TestWarroom } from '../support/warroom';
import type { ApiState } from '../../server/app';

let browser: Browser;
let w: TestWarroom;
const T0 = Math.floor(Date.now() / 1000) * 1000 - 90_000;

beforeAll(async () => {
  browser = await launchChromium();
  w = await startTestWarroom(
    {},
    testEvent({
      t0Ms: T0,
      // ¥1,000, last year's ¥50,000 (the event parser adds it to the milestones), ¥100,000
      milestonesMinor: [100_000n, 5_000_000n, 10_000_000n],
      lastYearMinor: 5_000_000n,
      lastYearCurve: [
        [0, 0n],
        [60, 1_000_000n],
        [600, 5_000_000n],
      ],
      flashSkus: [
        { sku: 'phone', name: 'Phone X', stock: 3 },
        { sku: 'tea', name: 'Tea', stock: 1000 },
      ],
    }),
  );
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

async function openWall(query = ''): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  await page.goto(`${w.app.url}/wall?token=${VIEWER_TOKEN}${query}`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
  return page;
}

async function apiState(): Promise<ApiState> {
  return (await (await fetch(`${w.app.url}/api/state`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as ApiState;
}

let n = 0;
const order = (amount: string, f: Record<string, string> = {}) =>
  w.redis.xadd(`${w.prefix}orders`, '*', 'id', `p${++n}`, 'amount', amount, 'ts', String(Date.now()), ...Object.entries(f).flat());

describe('wall panels in Chromium', () => {
  it('celebrates a milestone crossed while open, marks last year passed, sells out a flash SKU, ranks regions', async () => {
    // Before the page opens: ¥600 in, so the first milestone is not yet reached.
    await order('500.00', { region: 'CN-GD', channel: 'app', category: 'beauty', sku: 'phone' });
    await order('100.00', { region: 'CN-ZJ', channel: 'web', category: 'food', sku: 'tea', qty: '7' });
    const page = await openWall();
    expect(await page.getByTestId('celebration').count()).toBe(0); // nothing replayed on open

    await order('600.00', { region: 'CN-ZJ', channel: 'web', category: 'home', sku: 'phone', qty: '2' }); // ¥1,200: 1st milestone; phone 3/3
    await page.getByTestId('celebration').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('celebration').textContent()).toMatch(/突破 1000(\.00)?\s*T\+00:0[1-9]:\d\d/);
    await page.screenshot({ path: 'tests/.artifacts/screenshots/wall-celebration-1920x1080.png' });

    // The sold-out SKU shows its T+, the other its sell-through.
    await expect.poll(() => page.getByTestId('flash-phone').textContent(), { timeout: 5000 }).toMatch(/售罄 T\+0[1-9]:\d\d/);
    expect(await page.getByTestId('flash-tea').textContent()).toContain('7/1,000');

    await order('49000.00', { region: 'CN-SH', channel: 'live', category: 'electronics' }); // ¥50,200: past last year's ¥50,000
    await page.getByTestId('passed-last-year').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('passed-last-year').textContent()).toMatch(/超越去年全天 T\+00:0[1-9]:\d\d/);

    // Rankings on screen equal /api/state, in order.
    await expect
      .poll(
        async () =>
          page
            .getByTestId('ranking-region')
            .locator('li')
            .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-key')}=${e.getAttribute('data-gmv')}`)),
        { timeout: 5000 },
      )
      .toEqual(['CN-SH=4900000', 'CN-ZJ=70000', 'CN-GD=50000']);
    const s = await apiState();
    expect(s.detail.regions.map((r) => `${r.key}=${r.gmvMinor}`)).toEqual(['CN-SH=4900000', 'CN-ZJ=70000', 'CN-GD=50000']);
    expect(await page.getByTestId('ranking-region').locator('.name').allTextContents()).toEqual(['上海', '浙江', '广东']);
    expect(s.detail.flash).toEqual([
      { sku: 'phone', sold: 3, soldOutAtMs: expect.any(Number) },
      { sku: 'tea', sold: 7, soldOutAtMs: null },
    ]);
    expect(s.milestones.find((m) => m.kind === 'lastYear')?.reachedAtMs).toEqual(expect.any(Number));
    await page.context().close();
  });

  it('shows payments by channel, visitors, dispatch backlog, flashes a new severe alert, toggles sound, speaks English', async () => {
    const page = await openWall('&lang=en');
    const k = w.prefix;
    for (let i = 0; i < 40; i++) await w.redis.xadd(`${k}payments`, '*', 'id', `pay${i}`, 'channel', 'alipay', 'ok', i < 39 ? '1' : '0');
    await w.redis.xadd(`${k}traffic`, '*', 'visitors', '123456');
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'l1', 'stage', 'picked', 'parcels', '5000', 'warehouse', 'WH-HZ');
    await w.redis.xadd(`${k}logistics`, '*', 'id', 'l2', 'stage', 'dispatched', 'parcels', '1200', 'warehouse', 'WH-HZ');
    await expect.poll(() => page.getByTestId('pay-alipay').textContent(), { timeout: 5000 }).toMatch(/Alipay\s*97\.5%/); // 39/40, rounded down
    await expect.poll(() => page.getByTestId('visitors').textContent()).toBe('123.4K');
    await expect.poll(() => page.getByTestId('backlog').textContent()).toMatch(/Backlog\s*WH-HZ\s*3,800/);

    expect(await page.locator('[data-panel="alerts"] .flash.on').count()).toBe(0);
    await w.redis.xadd(
      `${k}weather`,
      '*',
      'id',
      'sev1',
      'region',
      'CN-HE',
      'severity',
      'severe',
      'kind',
      'snow',
      'text',
      'Blizzard: line-haul suspended',
    );
    await page.locator('[data-panel="alerts"] .flash.on').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('alert').textContent()).toContain('Hebei · snow');
    // The map outlines the alert's province.
    await expect
      .poll(() => page.locator('[data-testid="region-map"] [data-region="CN-HE"]').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);

    const toggle = page.getByTestId('sound-toggle');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false'); // off by default
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-panel="rankings"] h2').allTextContents()).toEqual(['Regions', 'Categories', 'Channels']);
    await page.screenshot({ path: 'tests/.artifacts/screenshots/wall-en-1920x1080.png' });
    await page.context().close();
  });
});
