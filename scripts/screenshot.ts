/**
 * `npm run screenshot [-- --at-minutes 40]`: the README's picture of the wall. Runs a private
 * redis-server, warroom and the simulator backfilled to T+N min, then captures /wall in Debian's
 * Chromium at 1920×1080 (docs/wall-1080p.png) and 3840×2160 (tests/.artifacts/screenshots/).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startWarroom } from '../server/app';
import { loadConfig } from '../server/config';
import { parseEventDefinition } from '../server/event';
import { silentLogger } from '../server/log';
import { Simulator } from '../server/simulate/simulator';
import { launchChromium } from '../tests/support/browser';
import { ensureSystemDeps, REDIS, CHROMIUM } from './system-deps';
import { startRedis } from './redis-process';

const { values } = parseArgs({ options: { 'at-minutes': { type: 'string', default: '40' }, out: { type: 'string', default: 'docs/wall-1080p.png' } } });
const atMs = Number(values['at-minutes']) * 60_000;

ensureSystemDeps([REDIS, CHROMIUM], 'screenshot');
execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
const redisProc = await startRedis();
const token = 'screenshot-token-0123456789';
const t0Ms = Math.floor((Date.now() - atMs) / 1000) * 1000;
const config = loadConfig({ PORT: '0', REDIS_URL: redisProc.url, WARROOM_VIEWER_TOKEN: token, WARROOM_ADMIN_TOKEN: 'screenshot-admin-0123456789' }, () => 'unused-generated-token-000');
const event = parseEventDefinition(JSON.parse(readFileSync('events/demo.json', 'utf8')), 'events/demo.json', Date.now(), new Date(t0Ms).toISOString());
const app = await startWarroom(config, event, silentLogger);
const redis = new Redis(redisProc.url);
const sim = new Simulator(redis, { t0Ms, speed: 1, scale: 1, seed: 11, keyPrefix: 'wr:', batchAbovePerSec: 2000, batchSize: 500, stepMs: 100, runId: 'shot' });
try {
  await sim.backfill(t0Ms - 5 * 60_000);
  sim.start();
  // Wait until the server has caught up with everything written.
  for (let i = 0; i < 600 && app.aggregator.orders < sim.stats.orders - 5000; i++) await new Promise((r) => setTimeout(r, 100));
  const browser = await launchChromium();
  for (const [w, h, path] of [[1920, 1080, values.out!], [3840, 2160, 'tests/.artifacts/screenshots/readme-wall-3840x2160.png']] as const) {
    mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
    const page = await (await browser.newContext({ viewport: { width: w, height: h } })).newPage();
    await page.goto(`${app.url}/wall?token=${token}`);
    await page.locator('[data-state="live"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(2500); // let the counter roll up to rest
    await page.screenshot({ path });
    process.stdout.write(`screenshot: ${path}\n`);
  }
  await browser.close();
} finally {
  sim.stop();
  redis.disconnect();
  await app.close();
  await redisProc.stop();
}
