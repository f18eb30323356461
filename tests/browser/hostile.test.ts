/**
 * Hostile text in Chromium: an XSS corpus through weather alerts (producers) and the takeover
 * banner (admins) is shown as text on the wall, nothing in it runs, and the page's
 * Content-Security-Policy blocks injected inline script and eval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { startTestWarroom, testEvent, VIEWER_TOKEN, type TestWarroom } from '../support/warroom';

const ADMIN_TOKEN = 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%';
const CORPUS = [
  '<img src=x onerror="window.__pwned=1">storm',
  '<script>window.__pwned=2</script>rain',
  'javascript:window.__pwned=3',
  '"><svg onload="window.__pwned=4">',
  '<iframe srcdoc="<script>parent.__pwned=6</script>"></iframe>',
  "{{constructor.constructor('window.__pwned=5')()}}",
  '\u202Egnp.exe\u202C road closed', // bidi override
];

let browser: Browser;
let w: TestWarroom;

beforeAll(async () => {
  browser = await launchChromium();
  w = await startTestWarroom({}, testEvent({ t0Ms: Date.now() - 60_000 }));
});
afterAll(async () => {
  await browser?.close();
  await w?.close();
});

describe('hostile text on the wall', () => {
  it('renders weather and banner payloads as text; nothing runs; CSP blocks inline script and eval', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await ctx.newPage();
    const violations: string[] = [];
    await page.exposeFunction('__cspViolation', (d: string) => violations.push(d));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __cspViolation(d: string): void }).__cspViolation(e.violatedDirective),
      ),
    );
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${w.app.url}/wall?token=${VIEWER_TOKEN}`);
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 10_000 });

    // Producers' text: severe alerts so the most dangerous ones are shown first.
    for (let i = 0; i < CORPUS.length; i++) {
      await w.redis.xadd(
        `${w.prefix}weather`,
        '*',
        'id',
        `x${i}`,
        'region',
        'CN-GD',
        'severity',
        'severe',
        'kind',
        'storm',
        'text',
        CORPUS[i]!,
        'ts',
        String(Date.now() + i),
      );
    }
    // An admin's text.
    const banner = CORPUS.slice(0, 2).join(' ');
    const r = await fetch(`${w.app.url}/api/admin/banner`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: banner, durationSec: 120 }),
    });
    expect(r.status).toBe(201);

    await page.getByTestId('banner').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('banner').textContent()).toContain('<img src=x onerror="window.__pwned=1">storm');
    await expect
      .poll(() => page.getByTestId('alert').first().textContent(), { timeout: 5000 })
      .toContain('\u202Egnp.exe\u202C road closed');
    await page.waitForTimeout(500);

    // Nothing ran, nothing was parsed into elements.
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(await page.locator('.canvas img, .canvas script, .canvas iframe, .canvas [onerror], .canvas [onload]').count()).toBe(0);
    // The bidi override cannot flip the text around it.
    expect(
      await page
        .getByTestId('alert')
        .first()
        .locator('[data-clamp]')
        .evaluate((el) => getComputedStyle(el).unicodeBidi),
    ).toBe('isolate');

    // The CSP: an injected inline script does not run, eval is refused.
    const ran = await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.appendChild(s);
      return { inline: (window as unknown as { __inline?: number }).__inline === 1 };
    });
    // eval from the page's own event loop (DevTools' evaluate itself is exempt from the page's CSP).
    const evalRan = await page.evaluate(
      () =>
        new Promise<boolean>((resolve) =>
          setTimeout(() => {
            try {
              resolve(new Function('return true')() === true);
            } catch {
              resolve(false);
            }
          }, 0),
        ),
    );
    expect(evalRan).toBe(false);
    expect(ran).toEqual({ inline: false });
    await expect.poll(() => violations.length).toBeGreaterThanOrEqual(2);
    expect(violations.every((v) => v.startsWith('script-src'))).toBe(true);
    await page.screenshot({ path: 'tests/.artifacts/screenshots/wall-hostile-1920x1080.png' });
    await ctx.close();
  });

  it('serves every page with the security headers', async () => {
    const res = await fetch(`${w.app.url}/wall`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    for (const path of ['/login', '/healthz', '/api/state']) {
      const r = await fetch(`${w.app.url}${path}`);
      expect(r.headers.get('content-security-policy'), path).toBe(csp);
    }
  });
});
