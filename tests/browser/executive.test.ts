/**
 * The executive view (`/`) in Chromium against a real server fed through Redis, on a phone
 * (390×844 @3, touch), a laptop (1440×900) and a 27" monitor (2560×1440): no horizontal overflow,
 * text ≥ 12 px and 40 px touch targets on the phone, the GMV = `/api/state`, the chart readout under
 * the pointer (this year, last year at the same T+, the difference), zoom → Reset, the CSV export
 * (one row per second since T0, exact integers), the PNG export, and the drill-down from a ranking
 * row and from the map (chip, `?region=` in the URL, the slice = `/api/drill`). Screenshots go to
 * tests/.artifacts/screenshots/exec-<w>x<h>.png (full page) and exec-<w>x<h>-drill.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestWarroom, testEvent, VIEWER_TOKEN, waitFor, type TestWarroom } from '../support/warroom';
import { formatCount, formatMoney } from '../../client/format';
import type { ApiState } from '../../server/app';
import type { Drill } from '../../shared/api';
import { NONE_KEY, OTHER_KEY } from '../../shared/wire';

const SHOTS = 'tests/.artifacts/screenshots';
/** The admin token startTestWarroom configures (creates the executive account). */
const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';
const EXEC_USER = 'exec-cfo';
const EXEC_PASSWORD = 'Blue-Harbor-7421!';

let browser: Browser;
let w: TestWarroom;

/**
 * Signs `page` in as an executive and opens the executive view with `query` ("?region=CN-GD").
 * The one place that knows how the view is entered: adjust it when sign-in changes.
 */
async function openExec(page: Page, query = ''): Promise<void> {
  const r = await page.request.post(`${w.app.url}/api/login`, { data: { username: EXEC_USER, password: EXEC_PASSWORD } });
  expect(r.status(), 'executive sign-in').toBe(204);
  await page.goto(`${w.app.url}/${query}`);
  await page.getByTestId('exec').waitFor({ timeout: 10_000 });
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
}

const REGIONS = ['CN-GD', 'CN-ZJ', 'CN-JS', 'CN-SH', 'CN-BJ', 'CN-SC', 'CN-HB', 'CN-FJ', 'CN-SD', 'CN-HN'];
const CHANNELS = ['app', 'web', 'mini', 'live'];
const CATEGORIES = ['beauty', 'electronics', 'apparel', 'food', 'home', 'baby'];
const LAST_YEAR: [number, bigint][] = [
  [0, 0n],
  [300, 120_000_000n],
  [1800, 400_000_000n],
  [3600, 700_000_000n],
  [86_400, 2_000_000_000n],
];
const T0 = Math.floor(Date.now() / 1000) * 1000 - 40 * 60_000;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  w = await startTestWarroom(
    {},
    testEvent({
      name: 'Exec night',
      t0Ms: T0,
      targetMinor: 2_000_000_000n,
      milestonesMinor: [50_000_000n, 200_000_000n, 500_000_000n],
      flashSkus: [
        { sku: 'phone', name: '小米14 Pro 限量', stock: 40 },
        { sku: 'buds', name: 'AirPods 4', stock: 400 },
      ],
      lastYearMinor: 2_000_000_000n,
      lastYearCurve: LAST_YEAR,
    }),
  );
  const acc = await fetch(`${w.app.url}/api/admin/accounts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: EXEC_USER, password: EXEC_PASSWORD, role: 'executive' }),
  });
  expect(acc.status).toBe(201);
  // A night from T0 − 5 min to now: orders every ~0.8 s with a long tail of basket sizes.
  const p = w.redis.pipeline();
  const from = T0 - 5 * 60_000;
  const to = Date.now() - 1000;
  const n = 3000;
  let gmv = 0n;
  for (let i = 0; i < n; i++) {
    const minor = BigInt(990 + ((i * 7919) % 120_000)) * (i % 97 === 0 ? 50n : 1n);
    gmv += minor;
    const ts = from + Math.floor(((to - from) * i) / n);
    p.xadd(
      `${w.prefix}orders`,
      '*',
      'id',
      `x${i}`,
      'amount',
      `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`,
      'ts',
      String(ts),
      'region',
      REGIONS[(i * 7) % REGIONS.length]!,
      'channel',
      CHANNELS[i % CHANNELS.length]!,
      'category',
      CATEGORIES[(i * 5) % CATEGORIES.length]!,
      'sku',
      i % 6 === 0 ? (i % 12 === 0 ? 'phone' : 'buds') : `SKU-${i % 31}`,
      'qty',
      '1',
    );
  }
  for (const [j, stage] of (['picked', 'packed', 'dispatched', 'delivered'] as const).entries()) {
    p.xadd(
      `${w.prefix}logistics`,
      '*',
      'id',
      `l${stage}`,
      'stage',
      stage,
      'parcels',
      String(4000 - j * 900),
      'warehouse',
      'WH-HZ',
      'region',
      'CN-ZJ',
    );
  }
  p.xadd(
    `${w.prefix}weather`,
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
    'Typhoon: coastal roads closed, deliveries delayed 24–48 h',
  );
  p.xadd(`${w.prefix}weather`, '*', 'id', 'w2', 'region', 'CN-ZJ', 'severity', 'warning', 'kind', 'rain', 'text', 'Heavy rain in Hangzhou');
  for (let i = 0; i < 80; i++)
    p.xadd(`${w.prefix}payments`, '*', 'id', `p${i}`, 'channel', ['alipay', 'wechat', 'card'][i % 3]!, 'ok', i % 19 === 0 ? '0' : '1');
  p.xadd(`${w.prefix}traffic`, '*', 'visitors', '86420');
  await p.exec();
  await waitFor(async () => ((await state()).totals.gmvMinor === gmv.toString() ? true : undefined), 15_000, 'all orders counted');
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

async function state(): Promise<ApiState> {
  return (await (await fetch(`${w.app.url}/api/state`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as ApiState;
}

/** Last year's cumulative at whole second `sec`, linear between the points, rounded down (as the CSV promises). */
function lastYearAt(sec: number): bigint {
  for (let i = 1; i < LAST_YEAR.length; i++) {
    const [x1, y1] = LAST_YEAR[i]!;
    if (sec <= x1) {
      const [x0, y0] = LAST_YEAR[i - 1]!;
      return y0 + ((y1 - y0) * BigInt(sec - x0)) / BigInt(x1 - x0);
    }
  }
  return LAST_YEAR[LAST_YEAR.length - 1]![1];
}

interface Screen {
  w: number;
  h: number;
  dsf: number;
  mobile: boolean;
}
const SCREENS: Screen[] = [
  { w: 390, h: 844, dsf: 3, mobile: true },
  { w: 1440, h: 900, dsf: 1, mobile: false },
  { w: 2560, h: 1440, dsf: 1, mobile: false },
];

async function newPage(s: Screen): Promise<Page> {
  const ctx: BrowserContext = await browser.newContext({
    viewport: { width: s.w, height: s.h },
    deviceScaleFactor: s.dsf,
    isMobile: s.mobile,
    hasTouch: s.mobile,
    acceptDownloads: true,
  });
  return ctx.newPage();
}

/** Nothing wider than the viewport, no horizontal scrolling. */
async function expectNoOverflow(page: Page): Promise<void> {
  const r = await page.evaluate(() => {
    const vw = window.innerWidth;
    const wide: string[] = [];
    for (const el of document.querySelectorAll('body *')) {
      const b = el.getBoundingClientRect();
      if (b.width === 0 || b.height === 0) continue;
      if (b.right > vw + 0.5 || b.left < -0.5)
        wide.push(
          `${el.tagName.toLowerCase()}.${String(el.getAttribute('class') ?? '').split(' ')[0]} [${Math.round(b.left)}, ${Math.round(b.right)}]`,
        );
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: vw, wide: wide.slice(0, 10) };
  });
  expect(r.wide, 'elements outside the viewport').toEqual([]);
  expect(r.scrollWidth).toBeLessThanOrEqual(r.innerWidth);
}

/** Every visible text node is at least 12 CSS px. */
async function expectLegibleText(page: Page): Promise<void> {
  const small = await page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none' || el.getClientRects().length === 0) continue;
      const px = parseFloat(cs.fontSize);
      if (px < 11.95) out.push(`${text.slice(0, 30)} (${px.toFixed(1)} px)`);
    }
    return out.slice(0, 10);
  });
  expect(small, 'text under 12 px').toEqual([]);
}

/** On a phone every button and link is at least 40×40 px. */
async function expectTouchTargets(page: Page): Promise<void> {
  const tiny = await page.evaluate(() =>
    [...document.querySelectorAll('button, a[href]')]
      .map((el) => ({ el, b: el.getBoundingClientRect() }))
      .filter(({ b }) => b.width > 0 && b.height > 0 && (b.width < 39.5 || b.height < 39.5))
      .map(({ el, b }) => `${el.textContent?.trim().slice(0, 20)} ${Math.round(b.width)}×${Math.round(b.height)}`),
  );
  expect(tiny, 'touch targets under 40 px').toEqual([]);
}

async function xRange(page: Page, testId: string): Promise<{ min: number; max: number; zoomed: string | null }> {
  const el = page.getByTestId(testId);
  return {
    min: Number(await el.getAttribute('data-x-min')),
    max: Number(await el.getAttribute('data-x-max')),
    zoomed: await el.getAttribute('data-zoomed'),
  };
}

async function download(page: Page, testId: string): Promise<{ name: string; body: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), body: readFileSync(path) };
}

/** A point inside the map's path for `region`, in page coordinates (found with the path's own geometry). */
async function pointIn(page: Page, region: string): Promise<{ x: number; y: number }> {
  const p = await page.evaluate((id) => {
    const path = document.querySelector<SVGPathElement>(`[data-testid="exec-map"] path[data-region="${id}"]`);
    const svg = path?.ownerSVGElement;
    if (!path || !svg) return null;
    const bb = path.getBoundingClientRect();
    const s = svg.getBoundingClientRect();
    for (let fy = 0.5, k = 0; k < 9; k++, fy = 0.5 + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 0.1) {
      for (let fx = 0.5, j = 0; j < 9; j++, fx = 0.5 + (j % 2 ? 1 : -1) * Math.ceil(j / 2) * 0.1) {
        const x = bb.left + bb.width * fx;
        const y = bb.top + bb.height * fy;
        if (path.isPointInFill(new DOMPoint(x - s.left, y - s.top))) return { x, y };
      }
    }
    return null;
  }, region);
  if (!p) throw new Error(`no point inside ${region} on the map`);
  return p;
}

describe.each(SCREENS)('executive view $w×$h @$dsf', (s) => {
  const label = `${s.w}x${s.h}`;

  it('reflows without overflow, shows the exact GMV, reads the charts under the pointer, zooms and resets, exports', async () => {
    const page = await newPage(s);
    try {
      await openExec(page);
      const st = await state();
      // The counter rolls up on animation frames: wait until it rests on the exact figure.
      await expect
        .poll(() => page.getByTestId('gmv').textContent(), { timeout: 20_000, message: 'GMV' })
        .toBe(formatMoney(BigInt(st.totals.gmvMinor), 2, 'CNY', 'zh-CN'));
      expect(await page.getByTestId('orders').textContent()).toBe(formatCount(st.totals.orders, 'zh-CN'));
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.locator('[data-testid="exec-map"] path[data-region]').first().waitFor();
      await page.waitForTimeout(1200); // charts draw after their first resize; the map chunk is in
      await page.screenshot({ path: `${SHOTS}/exec-${label}.png`, fullPage: true });
      await expectNoOverflow(page);
      await expectLegibleText(page);
      if (s.mobile) await expectTouchTargets(page);

      // Hover readout: this year, last year at the same T+, the difference.
      const chart = page.getByTestId('gmv-chart');
      await chart.scrollIntoViewIfNeeded();
      const box = (await chart.boundingBox())!;
      expect(await page.getByTestId('gmv-readout').getAttribute('data-hover')).toBe('false');
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
      await expect.poll(() => page.getByTestId('gmv-readout').getAttribute('data-hover')).toBe('true');
      expect(await page.getByTestId('readout-this').textContent()).toMatch(/^¥\d+(\.\d+)?(万|亿)?$/);
      expect(await page.getByTestId('readout-last').textContent()).toMatch(/^¥\d+(\.\d+)?(万|亿)?$/);
      expect(await page.getByTestId('readout-diff').textContent()).toMatch(/^([+−]\d+\.\d%|±0\.0%)$/);
      expect(await page.getByTestId('gmv-readout').locator('.when').textContent()).toMatch(/^T\+0:\d\d:\d\d$/);
      if (s.mobile) {
        // A finger on the plot moves the crosshair too.
        await page.mouse.move(0, 0);
        await expect.poll(() => page.getByTestId('gmv-readout').getAttribute('data-hover')).toBe('false');
        await page.touchscreen.tap(box.x + box.width * 0.3, box.y + box.height * 0.5);
        await expect.poll(() => page.getByTestId('gmv-readout').getAttribute('data-hover')).toBe('true');
      }

      // Drag to zoom, then Reset restores the whole night; the orders/s chart follows the same window.
      const before = await xRange(page, 'gmv-chart');
      expect(before).toMatchObject({ min: 0, zoomed: 'false' });
      expect(before.max).toBeGreaterThan(40 * 60);
      await page.mouse.move(box.x + box.width * 0.35, box.y + box.height * 0.5);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
      await page.mouse.move(box.x + box.width * 0.65, box.y + box.height * 0.5, { steps: 5 });
      await page.mouse.up();
      await expect.poll(() => xRange(page, 'gmv-chart').then((r) => r.zoomed)).toBe('true');
      const zoomed = await xRange(page, 'gmv-chart');
      expect(zoomed.min).toBeGreaterThan(before.min);
      expect(zoomed.max).toBeLessThan(before.max);
      expect(zoomed.max - zoomed.min).toBeLessThan((before.max - before.min) * 0.5);
      await expect.poll(() => xRange(page, 'rate-chart').then((r) => [r.min, r.max])).toEqual([zoomed.min, zoomed.max]);
      await page.screenshot({ path: `${SHOTS}/exec-${label}-zoomed.png` });
      // Pan: the ← button moves the window half its width earlier; shift+drag moves it with the pointer.
      const gmvPanel = page.getByTestId('gmv-chart').locator('xpath=..');
      await gmvPanel.getByRole('button', { name: '向前' }).click();
      await expect.poll(() => xRange(page, 'gmv-chart').then((r) => r.min)).toBeLessThan(zoomed.min);
      const panned = await xRange(page, 'gmv-chart');
      expect(panned.max - panned.min).toBeCloseTo(zoomed.max - zoomed.min, 3);
      if (!s.mobile) {
        await page.keyboard.down('Shift');
        await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5, { steps: 4 });
        await page.mouse.up();
        await page.keyboard.up('Shift');
        const dragged = await xRange(page, 'gmv-chart');
        expect(dragged.min).toBeLessThan(panned.min); // dragged to the right: earlier times come in
        expect(dragged.max - dragged.min).toBeCloseTo(panned.max - panned.min, 3);
      }
      await gmvPanel.getByTestId('reset-zoom').click();
      await expect.poll(() => xRange(page, 'gmv-chart')).toEqual({ min: 0, max: before.max, zoomed: 'false' });

      // CSV: one row per second since T0, exact integers, cumulative by BigInt, last year interpolated.
      const csv = await download(page, 'export-csv');
      expect(csv.name).toMatch(/^warroom-Exec-night-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = csv.body.toString('utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('t_plus_seconds,orders,gmv_minor,cumulative_gmv_minor,last_year_cumulative_minor');
      const rows = lines.slice(1).map((l) => l.split(','));
      const elapsed = Math.floor((Date.now() - T0) / 1000);
      expect(rows.length).toBeGreaterThanOrEqual(elapsed - 5);
      expect(rows.length).toBeLessThanOrEqual(elapsed + 2);
      const api = (await state()).series;
      const i0 = (T0 - api.startMs) / 1000;
      let cum = 0n;
      rows.forEach((r, t) => {
        expect(r).toHaveLength(5);
        for (const v of r) expect(v).toMatch(/^\d+$/);
        expect(Number(r[0])).toBe(t);
        cum += BigInt(r[2]!);
        expect(r[3]).toBe(cum.toString());
        expect(r[4]).toBe(lastYearAt(t + 1).toString());
        if (i0 + t < api.orders.length) {
          expect(Number(r[1])).toBe(api.orders[i0 + t]);
          expect(Number(r[2])).toBe(api.gmvMinor[i0 + t]);
        }
      });
      // Everything since T0 is in the file: its cumulative = the total minus what came before T0.
      const preT0 = api.gmvMinor.slice(0, i0).reduce((a, b) => a + BigInt(b), 0n);
      expect(cum + preT0).toBe(BigInt((await state()).totals.gmvMinor));

      if (s.w === 1440) {
        const png = await download(page, 'export-png');
        expect(png.name).toMatch(/^warroom-Exec-night-\d{4}-\d{2}-\d{2}-t\d{6}\.png$/);
        expect(png.body.subarray(1, 4).toString('latin1')).toBe('PNG');
        expect(png.body.readUInt32BE(16)).toBe(1600 * Math.min(2, s.dsf)); // IHDR width: 1600 CSS px at the screen's pixel ratio
        expect(png.body.length).toBeGreaterThan(50_000);
      }
    } finally {
      await page.context().close();
    }
  }, 90_000);

  it('drills down from a ranking row and from the map: chip, URL, slice = /api/drill, clears', async () => {
    const page = await newPage(s);
    try {
      await openExec(page);
      const st = await state();
      const top = st.detail.regions.filter((r) => r.key !== NONE_KEY && r.key !== OTHER_KEY)[0]!;
      const row = page.getByTestId('exec-rank-region').locator(`button[data-key="${top.key}"]`);
      expect(await row.getAttribute('data-gmv')).toBe(top.gmvMinor);
      await row.click();
      await page.getByTestId('filter-chip').waitFor();
      expect(new URL(page.url()).searchParams.get('region')).toBe(top.key);
      expect(await page.getByTestId('filter-chip').textContent()).toContain('地区');
      expect(await row.getAttribute('aria-pressed')).toBe('true');
      expect(await page.getByTestId('all-data').count()).toBeGreaterThanOrEqual(2); // both curves say "all data"

      const res = await page.request.get(`${w.app.url}/api/drill?dim=region&key=${encodeURIComponent(top.key)}`);
      // The top region has orders, so its slice exists: the drill figures are always checked.
      expect(res.status()).toBe(200);
      const drill = (await res.json()) as Drill;
      await expect.poll(() => page.getByTestId('drill').getAttribute('data-source')).toBe('drill');
      expect(await page.getByTestId('drill-gmv').getAttribute('data-exact')).toBe(drill.gmvMinor);
      expect(await page.getByTestId('drill-gmv').textContent()).toBe(formatMoney(BigInt(drill.gmvMinor), 2, 'CNY', 'zh-CN'));
      expect(await page.getByTestId('drill-orders').textContent()).toBe(formatCount(drill.orders, 'zh-CN'));
      const bp = (BigInt(drill.gmvMinor) * 10_000n) / BigInt(st.totals.gmvMinor);
      expect(await page.getByTestId('drill-share').textContent()).toBe(`${bp / 100n}.${String(bp % 100n).padStart(2, '0')}%`);
      // The categories within the slice, largest first, = the server's.
      const shown = await page
        .getByTestId('drill-category')
        .locator('li')
        .evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-gmv')]));
      const want = (drill.categories ?? [])
        .filter((r) => r.key !== NONE_KEY && r.key !== OTHER_KEY && r.gmvMinor !== '0')
        .sort((a, b) => (BigInt(b.gmvMinor) > BigInt(a.gmvMinor) ? 1 : BigInt(b.gmvMinor) < BigInt(a.gmvMinor) ? -1 : 0))
        .slice(0, shown.length)
        .map((r) => [r.key, r.gmvMinor]);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown).toEqual(want);
      expect(await page.getByTestId('drill-channel').locator('li').count()).toBeGreaterThan(0);
      await page.getByTestId('drill').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      await expectNoOverflow(page);
      await page.screenshot({ path: `${SHOTS}/exec-${label}-drill.png` });

      // The chip clears the filter; back brings it again (it is a history entry).
      await page.getByTestId('filter-chip').click();
      await expect.poll(() => page.getByTestId('filter-chip').count()).toBe(0);
      expect(new URL(page.url()).searchParams.has('region')).toBe(false);
      await page.goBack();
      await page.getByTestId('filter-chip').waitFor();
      expect(new URL(page.url()).searchParams.get('region')).toBe(top.key);
      await page.getByTestId('filter-chip').click();
      await expect.poll(() => page.getByTestId('filter-chip').count()).toBe(0);

      // A click on the map (Zhejiang) filters to that region; a link with ?region= reproduces it.
      const map = page.getByTestId('exec-map');
      await map.scrollIntoViewIfNeeded();
      const pt = await pointIn(page, 'CN-ZJ');
      await page.mouse.click(pt.x, pt.y);
      await page.getByTestId('filter-chip').waitFor();
      expect(new URL(page.url()).searchParams.get('region')).toBe('CN-ZJ');
      expect(await page.getByTestId('filter-chip').textContent()).toContain('浙江');

      await page.goto(`${w.app.url}/?category=beauty`);
      await page.getByTestId('filter-chip').waitFor();
      expect(await page.getByTestId('filter-chip').textContent()).toContain('美妆');
      await expect
        .poll(() => page.getByTestId('drill-gmv').getAttribute('data-exact'))
        .toBe(st.detail.categories.find((r) => r.key === 'beauty')!.gmvMinor);
    } finally {
      await page.context().close();
    }
  }, 90_000);
});
