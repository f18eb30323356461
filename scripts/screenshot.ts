/**
 * `npm run screenshot [-- --at-minutes 40]`: the README's picture of the wall. Runs a private
 * redis-server, warroom and the simulator backfilled to T+N min, then captures /wall in Debian's
 * Chromium at 1920×1080 (docs/wall-1080p.png) and 3840×2160 (tests/.artifacts/screenshots/).
 */
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { launchChromium } from '../tests/support/browser';
import { startLocalNight } from './local-night';

const { values } = parseArgs({
  options: { 'at-minutes': { type: 'string', default: '40' }, out: { type: 'string', default: 'docs/wall-1080p.png' } },
});
const atMs = Number(values['at-minutes']) * 60_000;

const t0Ms = Math.floor((Date.now() - atMs) / 1000) * 1000;
const night = await startLocalNight('screenshot', { t0Ms, speed: 1, scale: 1, runId: 'shot' });
const { app, sim } = night;
try {
  await sim.backfill(t0Ms - 5 * 60_000);
  sim.start();
  // Wait until the server has caught up with everything written.
  for (let i = 0; i < 600 && app.aggregator.orders < sim.stats.orders - 5000; i++) await new Promise((r) => setTimeout(r, 100));
  const browser = await launchChromium();
  for (const [w, h, path] of [
    [1920, 1080, values.out!],
    [3840, 2160, 'tests/.artifacts/screenshots/readme-wall-3840x2160.png'],
  ] as const) {
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    const page = await (await browser.newContext({ viewport: { width: w, height: h } })).newPage();
    await page.goto(`${app.url}/wall?token=${night.token}`);
    await page.locator('[data-state="live"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(2500); // let the counter roll up to rest
    await page.screenshot({ path });
    process.stdout.write(`screenshot: ${path}\n`);
  }
  await browser.close();
} finally {
  await night.stop();
}
