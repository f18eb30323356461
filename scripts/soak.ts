/**
 * `npm run soak [-- --minutes 10 --speed 20 --scale 5]`: the wall under accelerated traffic for a
 * while, in Debian's Chromium. Samples the page's JS heap, DOM node count and event listeners
 * (Chrome DevTools Protocol Performance.getMetrics) and prints their slopes after a warm-up:
 * a wall that must survive a night needs them flat. Prints figures; never fails on a number.
 */
import { parseArgs } from 'node:util';
import { launchChromium } from '../tests/support/browser';
import { startLocalNight } from './local-night';

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

const t0Ms = Math.ceil((Date.now() + 5000) / 1000) * 1000;
const night = await startLocalNight('soak', { t0Ms, speed: Number(values.speed), scale: Number(values.scale), runId: 'soak' });
const { app, sim, token } = night;
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
    const s = {
      atS: Math.round((Date.now() - started) / 1000),
      heapMiB: (m.JSHeapUsedSize ?? 0) / 2 ** 20,
      nodes: m.Nodes ?? 0,
      listeners: m.JSEventListeners ?? 0,
    };
    samples.push(s);
    process.stdout.write(
      `  t=${s.atS}s heap ${s.heapMiB.toFixed(2)} MiB, ${s.nodes} nodes, ${s.listeners} listeners, ${app.aggregator.orders} orders\n`,
    );
  }
} finally {
  await browser.close();
  await night.stop();
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
