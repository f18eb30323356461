/**
 * Channels, categories, warehouses and payment channels named like Object.prototype's members
 * (`__proto__`, `constructor`, `toString`…) are valid tokens: from outside (the production server
 * as a process, entries XADDed into Redis) every one is counted exactly in `/api/state`, keeps its
 * figures through a checkpoint and a restart, and shows its own name (not blank, not "function …")
 * on the wall and in the executive view, with the figures of `/api/state`. (Regions cannot carry
 * such names: the contract wants ISO 3166-2 codes; the unit test covers them in the aggregate.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { useFaultRig } from '../support/fault-rig';
import { apiState, FAULT_VIEWER_TOKEN, sleep } from '../support/fault-env';
import { waitFor } from '../support/warroom';
import { launchChromium } from '../support/browser';
import type { ApiState } from '../../server/app';
import { formatCompactCount } from '../../client/format';

const rig = useFaultRig();
const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';

const CHANNELS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
const CATEGORIES = ['valueOf', 'prototype', '__defineGetter__', '__proto__'];
const WAREHOUSES = ['__proto__', 'constructor', 'toString'];
const PAY = ['__proto__', 'constructor', 'toString', 'valueOf'];
const REGIONS = ['CN-GD', 'CN-ZJ', 'CN-SH'];

/** The independent ledger: Maps, keyed by exactly what was written. */
const sums = { channel: new Map<string, bigint>(), category: new Map<string, bigint>() };
const backlog = new Map<string, number>();
const paid = new Map<string, number>();
let orders = 0;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  const c = new Redis(rig.redis.url);
  const add = (m: Map<string, bigint>, k: string, v: bigint): void => void m.set(k, (m.get(k) ?? 0n) + v);
  const p = c.pipeline();
  // Distinct GMV per name, so the rankings have one order.
  for (let i = 0; i < 40; i++) {
    const ch = CHANNELS[i % 4]!;
    const cat = CATEGORIES[(i >> 2) % 4]!;
    const minor = BigInt(10_000 * (1 + (i % 4)) + 100 * ((i >> 2) % 4) + i);
    add(sums.channel, ch, minor);
    add(sums.category, cat, minor);
    orders++;
    const amount = `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
    if (i % 5 === 0)
      p.xadd('wr:orders', '*', 'batch', JSON.stringify([{ id: `o${i}`, amount, channel: ch, category: cat, region: REGIONS[i % 3] }]));
    else p.xadd('wr:orders', '*', 'id', `o${i}`, 'amount', amount, 'channel', ch, 'category', cat, 'region', REGIONS[i % 3]!);
  }
  WAREHOUSES.forEach((wh, j) => {
    p.xadd('wr:logistics', '*', 'id', `l${j}p`, 'stage', 'picked', 'parcels', String(3000 - j * 700), 'warehouse', wh);
    p.xadd('wr:logistics', '*', 'id', `l${j}d`, 'stage', 'dispatched', 'parcels', '100', 'warehouse', wh);
    backlog.set(wh, 3000 - j * 700 - 100);
  });
  PAY.forEach((ch, j) => {
    for (let i = 0; i < 20 - j * 3; i++) p.xadd('wr:payments', '*', 'id', `p${j}-${i}`, 'channel', ch, 'ok', '1');
    paid.set(ch, 20 - j * 3);
  });
  await p.exec();
  c.disconnect();
  const acc = await fetch(`${rig.server.url}/api/admin/accounts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'exec-proto', password: 'Blue-Harbor-7421!', role: 'executive' }),
  });
  expect(acc.status).toBe(201);
});
afterAll(async () => {
  await browser?.close();
});

async function counted(): Promise<ApiState> {
  return waitFor(
    async () => {
      const s = await apiState(rig.server.url);
      const pays = s ? Object.values(s.payments).reduce((n, v) => n + v.ok + v.failed, 0) : 0;
      return s && s.orders === orders && s.parcels.dispatched === 300 && pays === [...paid.values()].reduce((a, b) => a + b, 0)
        ? s
        : undefined;
    },
    20_000,
    'every entry counted',
  );
}

function expectExact(s: ApiState): void {
  expect(s.rejected).toBe(0);
  for (const [dim, rows] of [
    ['channel', s.breakdowns.channels],
    ['category', s.breakdowns.categories],
  ] as const) {
    expect(new Map(rows.map((r) => [r.key, BigInt(r.gmvMinor)])), dim).toEqual(sums[dim]);
  }
  expect(new Map(s.breakdowns.warehouses.map((w) => [w.key, w.picked - w.dispatched]))).toEqual(backlog);
  // JSON.parse made "__proto__" an own property: Object.entries sees it.
  expect(new Map(Object.entries(s.payments).map(([k, v]) => [k, v.ok]))).toEqual(paid);
}

async function wallShowsNames(page: Page, s: ApiState): Promise<void> {
  for (const [col, rows] of [
    ['channel', s.detail.channels],
    ['category', s.detail.categories],
  ] as const) {
    const want = rows.slice(0, 4).map((r) => `${r.key}=${r.gmvMinor}`);
    await expect
      .poll(
        () =>
          page
            .getByTestId(`ranking-${col}`)
            .locator('li')
            .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-key')}=${e.getAttribute('data-gmv')}`)),
        { timeout: 10_000 },
      )
      .toEqual(want);
    expect(await page.getByTestId(`ranking-${col}`).locator('.name').allTextContents()).toEqual(rows.slice(0, 4).map((r) => r.key));
  }
  const wh = [...backlog].sort((a, b) => b[1] - a[1]);
  await expect
    .poll(
      () =>
        page
          .getByTestId('backlog')
          .locator('.row')
          .evaluateAll((els) => els.map((e) => `${e.querySelector('.wk')?.textContent} ${e.querySelector('b')?.textContent}`)),
      { timeout: 10_000 },
    )
    .toEqual(wh.map(([k, n]) => `${k} ${formatCompactCount(n, 'zh-CN')}`));
  for (const ch of PAY) {
    await expect
      .poll(() => page.getByTestId(`pay-${ch}`).textContent(), { timeout: 10_000 })
      .toMatch(new RegExp(`^\\s*${ch}\\s*100\\.0%\\s*$`));
  }
  const text = (await page.getByTestId('canvas').textContent()) ?? '';
  expect(text).not.toMatch(/function|\[object|undefined|NaN/);
}

describe('keys named like Object.prototype members, from outside', () => {
  it('are counted exactly, shown by name on the wall and the executive view, and survive a restart from the checkpoint', async () => {
    const s = await counted();
    expectExact(s);

    const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await wall.goto(`${rig.server.url}/wall?token=${FAULT_VIEWER_TOKEN}`);
    await wall.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    await wallShowsNames(wall, s);
    await wall.screenshot({ path: 'tests/.artifacts/screenshots/prototype-keys-wall-1920x1080.png' });

    const exec = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    const login = await exec.request.post(`${rig.server.url}/api/login`, {
      data: { username: 'exec-proto', password: 'Blue-Harbor-7421!' },
    });
    expect(login.status()).toBe(204);
    await exec.goto(`${rig.server.url}/`);
    await exec.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    for (const [dim, rows] of [
      ['channel', s.detail.channels],
      ['category', s.detail.categories],
    ] as const) {
      const group = exec.getByTestId(`exec-rank-${dim}`);
      await expect
        .poll(
          () => group.locator('button').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-key')}=${e.getAttribute('data-gmv')}`)),
          { timeout: 10_000 },
        )
        .toEqual(rows.map((r) => `${r.key}=${r.gmvMinor}`));
      expect(await group.locator('.name').allTextContents()).toEqual(rows.map((r) => r.key));
    }
    // The slice of the category "__proto__": its channels by name, the figures of /api/drill.
    await exec.getByTestId('exec-rank-category').locator('button[data-key="__proto__"]').click();
    const drill = (await (await exec.request.get(`${rig.server.url}/api/drill?dim=category&key=__proto__`)).json()) as {
      gmvMinor: string;
      channels: { key: string; gmvMinor: string }[];
    };
    expect(drill.gmvMinor).toBe(sums.category.get('__proto__')!.toString());
    await expect.poll(() => exec.getByTestId('drill-gmv').getAttribute('data-exact'), { timeout: 10_000 }).toBe(drill.gmvMinor);
    await expect
      .poll(
        () =>
          exec
            .getByTestId('drill-channel')
            .locator('li')
            .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-key')}=${e.getAttribute('data-gmv')}`)),
        { timeout: 10_000 },
      )
      .toEqual(drill.channels.map((r) => `${r.key}=${r.gmvMinor}`));
    expect(await exec.getByTestId('drill-channel').locator('.name').allTextContents()).toEqual(drill.channels.map((r) => r.key));
    expect(await exec.getByTestId('filter-chip').textContent()).toContain('__proto__');
    expect((await exec.getByTestId('exec').textContent()) ?? '').not.toMatch(/function|\[object|undefined|NaN/);
    await exec.screenshot({ path: 'tests/.artifacts/screenshots/prototype-keys-exec-1440x900.png', fullPage: true });

    // A clean stop saves a checkpoint; the restarted server has nothing new to read, so every
    // figure below comes back from the checkpoint's JSON.
    await rig.server.stop();
    await rig.restart();
    expect(rig.server.log()).toMatch(/resumed from checkpoint/);
    const after = await counted();
    expectExact(after);
    expect(after.breakdowns).toEqual(s.breakdowns);
    expect(after.payments).toEqual(s.payments);
    await wall.reload();
    await wall.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    await wallShowsNames(wall, after);
    await sleep(100);
    await wall.context().close();
    await exec.context().close();
  }, 120_000);
});
