/**
 * The sign-in page and the admin page in Chromium against the real server: an admin signs in,
 * creates a device token, opens the wall with it in another browser, pushes a banner that the wall
 * shows, revokes the token (the wall loses its connection and cannot come back), and finds every
 * action in the audit log. An executive who signs in cannot open the admin page. Alarms are listed
 * and acknowledged on the page (the wall drops them, /healthz returns to 200); moving T0 after T0
 * asks for a confirmation that says what changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestWarroom, testEvent, VIEWER_TOKEN, waitFor, type TestWarroom } from '../support/warroom';
import type { AuditEntry, ConfirmNeeded } from '../../shared/api';

const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';
const SHOTS = 'tests/.artifacts/screenshots';
let browser: Browser;
let w: TestWarroom;

async function account(username: string, password: string, role: 'executive' | 'admin'): Promise<void> {
  const r = await fetch(`${w.app.url}/api/admin/accounts`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password, role }),
  });
  expect(r.status).toBe(201);
}

async function signIn(page: Page, next: string, username: string, password: string): Promise<void> {
  await page.goto(`${w.app.url}${next}`);
  await page.waitForURL(/\/login\?next=/);
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

beforeAll(async () => {
  browser = await launchChromium();
  w = await startTestWarroom({}, testEvent({ t0Ms: Date.now() - 60_000 }));
  await account('ops-lead', 'Quiet-Mountain-9053#', 'admin');
  await account('cfo', 'Blue-Harbor-7421!', 'executive');
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

describe('sign-in and admin pages', () => {
  it('refuses a wrong password on the page, then signs the admin in to /admin', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(page, '/admin', 'ops-lead', 'not-the-password!');
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/用户名或密码错误|Wrong username or password/);
    await page.screenshot({ path: `${SHOTS}/login-error-1440x900.png` });
    await page.locator('#login-password').fill('Quiet-Mountain-9053#');
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${w.app.url}/admin`);
    await page.getByTestId('admin-tokens').waitFor();
    await page.context().close();
  });

  it('creates a device token, the wall opens with it, shows a banner, and loses access when it is revoked', async () => {
    const admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(admin, '/admin', 'ops-lead', 'Quiet-Mountain-9053#');
    await admin.waitForURL(`${w.app.url}/admin`);
    await admin.locator('#token-name').fill('Hall B left screen');
    await admin.getByTestId('token-create').click();
    await admin.getByTestId('token-url').waitFor();
    const url = (await admin.getByTestId('token-url').inputValue()).trim();
    expect(url).toMatch(new RegExp(`^${w.app.url}/wall\\?token=wrv_`));

    const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await wall.goto(url);
    await wall.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    expect(wall.url()).toBe(`${w.app.url}/wall`);

    await admin.locator('#banner-text').fill('<b>Dispatch pause</b> 02:00–02:15');
    await admin.locator('#banner-minutes').fill('5');
    await admin.getByTestId('banner-show').click();
    await wall.getByTestId('banner').waitFor({ timeout: 5000 });
    expect(await wall.getByTestId('banner').textContent()).toContain('<b>Dispatch pause</b> 02:00–02:15');
    await wall.screenshot({ path: `${SHOTS}/wall-banner-1920x1080.png` });

    const row = admin.getByTestId('token-row').filter({ hasText: 'Hall B left screen' });
    await row.getByTestId('token-revoke').click();
    await row.getByTestId('token-revoke-confirm').click();
    await wall.locator('[data-testid="connection"]:not([data-state="live"])').waitFor({ timeout: 60_000 });
    // The device's cookie no longer opens anything.
    const again = await wall.goto(`${w.app.url}/wall`);
    expect(again?.status()).toBe(401);

    await admin.getByTestId('audit-refresh').click();
    await expect
      .poll(async () => (await admin.getByTestId('audit-row').allTextContents()).join('\n'), { timeout: 5000 })
      .toMatch(/token\.revoke/);
    const audit = (await admin.getByTestId('audit-row').allTextContents()).join('\n');
    for (const action of ['token.create', 'banner.set', 'token.revoke']) expect(audit).toContain(action);
    expect(audit).toContain('account:ops-lead');
    expect(audit).not.toContain('wrv_');
    await admin.screenshot({ path: `${SHOTS}/admin-1440x900.png`, fullPage: true });
    await admin.context().close();
    await wall.context().close();
  });

  it('lets an executive into the executive view but not the admin page', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signIn(page, '/', 'cfo', 'Blue-Harbor-7421!');
    await page.waitForURL(`${w.app.url}/`);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });
    const res = await page.goto(`${w.app.url}/admin`);
    expect(page.url()).toMatch(/\/login\?next=%2Fadmin&need=admin/);
    expect(res?.status()).toBe(200); // the sign-in page, not the admin page
    await page.context().close();
  });

  it('lists the alarms of the night; Acknowledge greys the row with who/when, the wall drops it, /healthz returns to 200, audited', async () => {
    const raised = w.app.alarms.raise({
      kind: 'history_trimmed',
      stream: `${w.prefix}orders`,
      detail: 'entries up to 1-5 were deleted or trimmed before warroom read past 1-3',
    })!;
    expect((await fetch(`${w.app.url}/healthz`)).status).toBe(503);
    const wall = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await wall.goto(`${w.app.url}/wall?token=${VIEWER_TOKEN}`);
    await expect.poll(() => wall.getByTestId('alarm').textContent(), { timeout: 10_000 }).toMatch(/数据未读即被截断|trimmed/i);

    const admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })).newPage();
    await signIn(admin, '/admin', 'ops-lead', 'Quiet-Mountain-9053#');
    await admin.waitForURL(`${w.app.url}/admin`);
    const row = admin.locator(`[data-testid="alarm-row"][data-id="${raised.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('active');
    expect(await row.textContent()).toContain('entries up to 1-5 were deleted');
    await row.getByTestId('alarm-ack').click();
    await admin.locator(`[data-testid="alarm-row"][data-id="${raised.id}"][data-state="acked"]`).waitFor({ timeout: 5000 });
    expect(await row.textContent()).toContain('account:ops-lead');
    expect(await row.getByTestId('alarm-ack').count()).toBe(0);
    await admin.getByTestId('admin-alarms').screenshot({ path: `${SHOTS}/admin-alarms-1440x900.png` });

    await wall.getByTestId('alarm').waitFor({ state: 'detached', timeout: 10_000 });
    await waitFor(async () => ((await fetch(`${w.app.url}/healthz`)).status === 200 ? true : undefined), 10_000, 'health 200');
    expect(w.app.alarms.list().find((a) => a.id === raised.id)).toMatchObject({ ackedBy: 'account:ops-lead' });
    await admin.getByTestId('audit-refresh').click();
    await expect
      .poll(async () => (await admin.getByTestId('audit-row').allTextContents()).join('\n'), { timeout: 5000 })
      .toMatch(/alarm\.ack/);
    await admin.context().close();
    await wall.context().close();
  });

  it('asks for a confirmation that says what changes before moving T0 once the event has started; audited', async () => {
    // One order past the first milestone (1,000.00): it is stamped.
    await w.redis.xadd(`${w.prefix}orders`, '*', 'id', 'big-1', 'amount', '2000.00');
    await waitFor(() => (w.app.aggregator.milestones()[0]!.reachedAtMs !== null ? true : undefined), 10_000, 'the milestone');
    const t0 = w.app.state().event.t0Ms;

    // The API refuses without confirm and says what would change.
    const refused = await fetch(`${w.app.url}/api/admin/event`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ shiftSeconds: 60 }),
    });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as ConfirmNeeded;
    expect(body.t0Change).toEqual({ fromT0Ms: t0, toT0Ms: t0 + 60_000, milestones: 1, soldOut: 0 });
    expect(body.error).toMatch(/confirm: true/);
    expect(w.app.state().event.t0Ms).toBe(t0);

    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })).newPage();
    await signIn(page, '/admin', 'ops-lead', 'Quiet-Mountain-9053#');
    await page.waitForURL(`${w.app.url}/admin`);
    const iso = page.getByTestId('event-t0-iso');
    await expect.poll(() => iso.textContent()).toBe(new Date(t0).toISOString());
    await page.getByTestId('shift-later').click();
    await page.getByTestId('t0-confirm').waitFor();
    expect(await page.getByTestId('t0-confirm-text').textContent()).toMatch(
      /event has started.*changes the T\+ time of 1 reached milestone\(s\) and 0 sell-out\(s\) on every screen/,
    );
    await page.getByTestId('t0-confirm').screenshot({ path: `${SHOTS}/admin-t0-confirm-1440x900.png` });
    expect(await iso.textContent()).toBe(new Date(t0).toISOString()); // nothing moved yet
    expect(w.app.state().event.t0Ms).toBe(t0);

    await page.getByTestId('t0-confirm-button').click();
    await expect.poll(() => iso.textContent()).toBe(new Date(t0 + 60_000).toISOString());
    expect(await page.getByTestId('t0-confirm').count()).toBe(0);
    expect(w.app.state().event.t0Ms).toBe(t0 + 60_000);
    const audit = (await (
      await fetch(`${w.app.url}/api/admin/audit`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).json()) as AuditEntry[];
    const entry = audit.find((e) => e.action === 'event.update');
    expect(entry?.who).toBe('account:ops-lead');
    expect(JSON.parse(entry!.new)).toMatchObject({ t0Change: { fromT0Ms: t0, toT0Ms: t0 + 60_000, milestones: 1, soldOut: 0 } });
    await page.context().close();
  });
});
