/**
 * The real wall at three moments of a night (before T0, T+1 min with a milestone being celebrated,
 * T+40 min with the curve, rankings and flash sale filled), checked for geometry and legibility
 * (tests/support/wall-checks.ts) at the resolutions and scale factors a 65" TV is driven at, with
 * every figure on screen compared with `/api/state`. Screenshots go to tests/.artifacts/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestWarroom, testEvent, VIEWER_TOKEN, waitFor, type TestWarroom } from '../support/warroom';
import { checkWall, expectWallClean, formatWallStats } from '../support/wall-checks';
import { formatCount, formatMoney } from '../../client/format';
import type { ApiState } from '../../server/app';
import { OTHER_KEY, NONE_KEY } from '../../shared/wire';

const SHOTS = 'tests/.artifacts/screenshots';

interface Screen {
  w: number;
  h: number;
  dsf: number;
}
/** Physical screen w×h at a scale factor: the viewport is in CSS px (w/dsf × h/dsf). */
const MAIN: Screen[] = [
  { w: 1920, h: 1080, dsf: 1 },
  { w: 1920, h: 1080, dsf: 1.5 },
  { w: 3840, h: 2160, dsf: 1 },
  { w: 3840, h: 2160, dsf: 1.5 },
];
const MORE: Screen[] = [
  { w: 1920, h: 1080, dsf: 1.25 },
  { w: 2560, h: 1440, dsf: 1 },
  { w: 3840, h: 2160, dsf: 2 },
];

const REGIONS = ['CN-GD', 'CN-ZJ', 'CN-JS', 'CN-SH', 'CN-BJ', 'CN-SC', 'CN-HB', 'CN-FJ', 'CN-SD', 'CN-HN', 'CN-XJ', 'CN-HK'];
const CHANNELS = ['app', 'web', 'mini', 'live', 'store'];
const CATEGORIES = ['beauty', 'electronics', 'apparel', 'food', 'home', 'sports', 'baby'];

const EVENT = {
  // ¥1,000 steps, so each viewport of the milestone scene can cross a fresh one.
  milestonesMinor: Array.from({ length: 100 }, (_, i) => BigInt(i + 1) * 100_000n).concat([300_000_000n, 500_000_000n]),
  flashSkus: [
    { sku: 'phone', name: '小米14 Pro 限量', stock: 40 },
    { sku: 'buds', name: 'AirPods 4', stock: 400 },
    { sku: 'lipstick', name: '口红 #999', stock: 2000 },
    { sku: 'cooker', name: '电饭煲 IH 4L', stock: 900 },
  ],
  lastYearMinor: 2_000_000_000n,
  lastYearCurve: [
    [0, 0n],
    [300, 300_000_000n],
    [1800, 900_000_000n],
    [3600, 1_400_000_000n],
    [86_400, 2_000_000_000n],
  ] as [number, bigint][],
};

let browser: Browser;
const rigs: TestWarroom[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  for (const w of rigs) await w.close();
});

async function state(w: TestWarroom): Promise<ApiState> {
  return (await (await fetch(`${w.app.url}/api/state`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as ApiState;
}

/** Writes a night's worth of entries with event times from `fromMs` to `toMs`; returns the exact GMV. */
async function feed(w: TestWarroom, fromMs: number, toMs: number, n: number, tag: string): Promise<bigint> {
  const k = w.prefix;
  const p = w.redis.pipeline();
  let sum = 0n;
  for (let i = 0; i < n; i++) {
    // A long tail: mostly small baskets, some large ones (a ¥1M+ order makes the figures long).
    const minor = BigInt(990 + ((i * 7919) % 120_000)) * (i % 50 === 0 ? 1000n : 1n);
    sum += minor;
    const amount = `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
    const ts = String(fromMs + Math.floor(((toMs - fromMs) * i) / n));
    const sku = i % 5 === 0 ? EVENT.flashSkus[i % EVENT.flashSkus.length]!.sku : `SKU-${i % 37}`;
    p.xadd(
      `${k}orders`,
      '*',
      'id',
      `${tag}${i}`,
      'amount',
      amount,
      'ts',
      ts,
      'region',
      REGIONS[(i * 7) % REGIONS.length]!,
      'channel',
      CHANNELS[i % CHANNELS.length]!,
      'category',
      CATEGORIES[(i * 3) % CATEGORIES.length]!,
      'sku',
      sku,
      'qty',
      String(1 + (i % 3)),
    );
  }
  p.xadd(`${k}orders`, '*', 'id', `${tag}bad`, 'amount', '-1'); // one rejection on the ops strip
  (['picked', 'packed', 'dispatched', 'delivered'] as const).forEach((stage, i) => {
    for (let j = 0; j < 5; j++)
      p.xadd(
        `${k}logistics`,
        '*',
        'id',
        `${tag}l-${stage}-${j}`,
        'stage',
        stage,
        'parcels',
        String(1000 * (4 - i) + j * 37),
        'warehouse',
        `WH-${['HZ', 'SZ', 'BJ'][j % 3]}`,
        'region',
        REGIONS[j]!,
      );
  });
  p.xadd(
    `${k}weather`,
    '*',
    'id',
    `${tag}w1`,
    'region',
    'CN-GD',
    'severity',
    'severe',
    'kind',
    'storm',
    'text',
    'Typhoon Saola: coastal roads closed between Shenzhen and Shantou, expect delivery delays of 24–48 h in eastern Guangdong',
  );
  p.xadd(`${k}weather`, '*', 'id', `${tag}w2`, 'region', 'CN-ZJ', 'severity', 'warning', 'kind', 'rain', 'text', 'Heavy rain in Hangzhou');
  p.xadd(
    `${k}weather`,
    '*',
    'id',
    `${tag}w3`,
    'region',
    'CN-BJ',
    'severity',
    'advisory',
    'kind',
    'fog',
    'text',
    'Fog on the Jing-Hu expressway',
  );
  for (let i = 0; i < 120; i++)
    p.xadd(
      `${k}payments`,
      '*',
      'id',
      `${tag}p${i}`,
      'channel',
      ['alipay', 'wechat', 'card', 'unionpay'][i % 4]!,
      'ok',
      i % 17 === 0 ? '0' : '1',
    );
  p.xadd(`${k}traffic`, '*', 'visitors', '128456');
  await p.exec();
  return sum;
}

async function rig(t0Ms: number): Promise<TestWarroom> {
  const w = await startTestWarroom({}, testEvent({ t0Ms, ...EVENT }));
  rigs.push(w);
  return w;
}

async function counted(w: TestWarroom, gmv: bigint): Promise<void> {
  await waitFor(async () => ((await state(w)).totals.gmvMinor === gmv.toString() ? true : undefined), 15_000, 'all orders counted');
}

async function open(w: TestWarroom, s: Screen): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: Math.round(s.w / s.dsf), height: Math.round(s.h / s.dsf) },
    deviceScaleFactor: s.dsf,
  });
  const page = await ctx.newPage();
  await page.goto(`${w.app.url}/wall?token=${VIEWER_TOKEN}`);
  await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
  return page;
}

/** Every figure the wall shows that /api/state also has: equal. */
async function expectNumbersMatch(page: Page, s: ApiState, withCounter: boolean): Promise<void> {
  if (withCounter) {
    // The counter rolls up on animation frames (slow at 4K in software rendering): wait until it rests.
    await expect
      .poll(() => page.getByTestId('gmv').textContent(), { timeout: 20_000, message: 'GMV on the wall' })
      .toBe(formatMoney(BigInt(s.totals.gmvMinor), 2, 'CNY', 'zh-CN'));
    expect(await page.getByTestId('gmv').getAttribute('data-exact')).toBe(s.totals.gmvMinor);
  }
  expect(await page.getByTestId('orders').textContent()).toBe(formatCount(s.totals.orders, 'zh-CN'));
  for (const stage of ['picked', 'packed', 'dispatched', 'delivered'] as const) {
    expect(await page.getByTestId(`parcels-${stage}`).getAttribute('data-exact')).toBe(String(s.parcels[stage]));
  }
  const shownRegions = await page
    .getByTestId('ranking-region')
    .locator('li')
    .evaluateAll((els) => els.map((e) => [e.getAttribute('data-key'), e.getAttribute('data-gmv')]));
  const apiRegions = s.detail.regions
    .filter((r) => r.key !== OTHER_KEY && r.key !== NONE_KEY)
    .slice(0, shownRegions.length)
    .map((r) => [r.key, r.gmvMinor]);
  expect(shownRegions.length).toBeGreaterThan(0);
  expect(shownRegions).toEqual(apiRegions);
  for (const f of s.detail.flash) expect(await page.getByTestId(`flash-${f.sku}`).getAttribute('data-sold')).toBe(String(f.sold));
  expect(await page.getByTestId('rejected').textContent()).toContain(formatCount(s.totals.rejected, 'zh-CN'));
}

async function checkAndShoot(page: Page, scene: string, s: Screen): Promise<void> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.waitForTimeout(300); // charts resize on ResizeObserver callbacks, the map chunk loads
  const label = `${scene}-${s.w}x${s.h}@${s.dsf}`;
  await page.screenshot({ path: `${SHOTS}/layout-${label}.png` });
  const report = await checkWall(page);
  console.log(`[layout ${label}] ${formatWallStats(report.stats)}`);
  for (const warning of report.warnings) console.log(`[layout ${label}] warning: ${warning}`);
  expectWallClean(report);
}

describe('wall layout before T0', () => {
  let w: TestWarroom;
  beforeAll(async () => {
    w = await rig(Math.ceil(Date.now() / 1000) * 1000 + 10 * 60_000);
    await counted(w, await feed(w, Date.now() - 120_000, Date.now(), 60, 'pre'));
  });
  it.each(MAIN)('countdown $w×$h @$dsf', async (s) => {
    const page = await open(w, s);
    try {
      await page.getByTestId('countdown').waitFor();
      expect(await page.getByTestId('countdown').locator('.value').textContent()).toMatch(/^(09:[0-5]\d|10:00)$/);
      await expectNumbersMatch(page, await state(w), false);
      await checkAndShoot(page, 'before-t0', s);
    } finally {
      await page.context().close();
    }
  });
});

describe('wall layout at T+1 min, celebrating a milestone', () => {
  let w: TestWarroom;
  let gmv = 0n;
  let n = 0;
  beforeAll(async () => {
    w = await rig(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    gmv = await feed(w, Date.now() - 60_000, Date.now(), 30, 'm');
    await counted(w, gmv);
  });
  it.each(MAIN)('milestone $w×$h @$dsf', async (s) => {
    const page = await open(w, s);
    try {
      await expect.poll(() => page.getByTestId('gmv').getAttribute('data-exact'), { timeout: 10_000 }).toBe(gmv.toString());
      // The next ¥1,000 step, crossed while this wall is open.
      const minor = 100_000n - (gmv % 100_000n) + 50n;
      gmv += minor;
      await w.redis.xadd(
        `${w.prefix}orders`,
        '*',
        'id',
        `cross${++n}`,
        'amount',
        `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`,
      );
      await page.getByTestId('celebration').waitFor({ timeout: 5000 });
      expect(await page.getByTestId('celebration').textContent()).toMatch(/突破 .+T\+00:0[1-9]:\d\d/);
      await page.waitForTimeout(700); // past the pop-in animation
      await checkAndShoot(page, 't+1-milestone', s);
      await expectNumbersMatch(page, await state(w), true);
    } finally {
      await page.context().close();
    }
  });
});

describe('wall layout at T+40 min', () => {
  let w: TestWarroom;
  beforeAll(async () => {
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 40 * 60_000;
    w = await rig(t0);
    await counted(w, await feed(w, t0 - 5 * 60_000, Date.now(), 3000, 'n'));
  });
  it.each([...MAIN, ...MORE])('night $w×$h @$dsf', async (s) => {
    const page = await open(w, s);
    try {
      const st = await state(w);
      await expectNumbersMatch(page, st, true);
      expect(st.detail.flash.find((f) => f.sku === 'phone')?.soldOutAtMs).toEqual(expect.any(Number));
      expect(await page.getByTestId('flash-phone').textContent()).toMatch(/售罄 T\+\d\d:\d\d/);
      await checkAndShoot(page, 't+40', s);
    } finally {
      await page.context().close();
    }
  });
});
