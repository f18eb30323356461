/**
 * `npm run soak [-- --minutes 10 --speed 20 --scale 5]`: the wall under accelerated traffic for a
 * while, in Debian's Chromium. Samples the page's JS heap, DOM node count and event listeners
 * (Chrome DevTools Protocol Performance.getMetrics) and prints their slopes after a warm-up:
 * a wall that must survive a night needs them flat. Prints figures; never fails on a number.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    speed: { type: 'string', default: '20' },
    scale: { type: 'string', default: '5' },
    'sample-seconds': { type: 'string', default: '15' },
  },
});
const minutes = Number(values.minutes);
const sampleMs = Number(values['sample-seconds']) * 1000;

ensureSystemDeps([REDIS, CHROMIUM], 'soak');
execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
const redisProc = await startRedis();
const token = 'soak-viewer-token-0123456789';
const t0Ms = Math.ceil((Date.now() + 5000) / 1000) * 1000;
const config = loadConfig({ PORT: '0', REDIS_URL: redisProc.url, WARROOM_VIEWER_TOKEN: token, WARROOM_ADMIN_TOKEN: 'soak-admin-token-0123456789' }, () => 'unused-generated-token-000');
const event = parseEventDefinition(JSON.parse(readFileSync('events/demo.json', 'utf8')), 'events/demo.json', Date.now(), new Date(t0Ms).toISOString());
const app = await startWarroom(config, event, silentLogger);
const redis = new Redis(redisProc.url);
const sim = new Simulator(redis, { t0Ms, speed: Number(values.speed), scale: Number(values.scale), seed: 11, keyPrefix: 'wr:', batchAbovePerSec: 2000, batchSize: 500, stepMs: 100, runId: 'soak' });
sim.start();
const browser = await launchChromium();
type Sample = { atS: number; heapMiB: number; nodes: number; listeners: number };
const samples: Sample[] = [];
try {
  const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(`${app.url}/wall?token=${token}`);
  const started = Date.now();
  process.stdout.write(`soak: ${minutes} min at speed ${values.speed}× scale ${values.scale}×, sampling every ${sampleMs / 1000} s\n`);
  while (Date.now() - started < minutes * 60_000) {
    await new Promise((r) => setTimeout(r, sampleMs));
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
    const s = { atS: Math.round((Date.now() - started) / 1000), heapMiB: (m.JSHeapUsedSize ?? 0) / 2 ** 20, nodes: m.Nodes ?? 0, listeners: m.JSEventListeners ?? 0 };
    samples.push(s);
    process.stdout.write(`  t=${s.atS}s heap ${s.heapMiB.toFixed(2)} MiB, ${s.nodes} nodes, ${s.listeners} listeners, ${app.aggregator.orders} orders\n`);
  }
} finally {
  await browser.close();
  sim.stop();
  redis.disconnect();
  await app.close();
  await redisProc.stop();
}

/** Least-squares slope per minute over the samples after the first third (warm-up). */
function slope(key: keyof Sample): number {
  const xs = samples.slice(Math.floor(samples.length / 3));
  if (xs.length < 2) return Number.NaN;
  const mx = xs.reduce((a, s) => a + s.atS, 0) / xs.length;
  const my = xs.reduce((a, s) => a + s[key], 0) / xs.length;
  const num = xs.reduce((a, s) => a + (s.atS - mx) * (s[key] - my), 0);
  const den = xs.reduce((a, s) => a + (s.atS - mx) ** 2, 0);
  return (num / den) * 60;
}
process.stdout.write(
  `soak: slopes after warm-up, per minute: heap ${slope('heapMiB').toFixed(3)} MiB, DOM nodes ${slope('nodes').toFixed(2)}, listeners ${slope('listeners').toFixed(2)}\n`,
);
