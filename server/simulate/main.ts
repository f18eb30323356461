/**
 * `npm run simulate -- [--speed N] [--scale N] [--seed N] [--t0 ISO|now+60s] [--duration S]`
 * Writes a simulated Double 11 night into REDIS_URL's streams until stopped.
 */
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { parseEventDefinition, parseT0 } from '../event';
import { Simulator } from './simulator';

function fail(msg: string): never {
  process.stderr.write(`simulate: ${msg}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    speed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '1' },
    seed: { type: 'string', default: '11' },
    t0: { type: 'string' },
    duration: { type: 'string' },
    backfill: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: npm run simulate -- [--speed N] [--scale N] [--seed N] [--t0 ISO|now+60s] [--duration SECONDS] [--backfill]\n' +
      '  --backfill  when T0 is in the past, first write the night from T0 - 5 min up to now (orders stamped with ts; at most 24 h)\n',
  );
  process.exit(0);
}

const num = (name: string, v: string, min: number, max: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return n;
};
const speed = num('speed', values.speed!, 0.01, 10_000);
const scale = num('scale', values.scale!, 0, 100_000);
const seed = Math.floor(num('seed', values.seed!, 0, 2 ** 32 - 1));
const durationS = values.duration === undefined ? Infinity : num('duration', values.duration, 0, 7 * 86400);

let t0Ms: number;
const t0Text = values.t0 ?? process.env.WARROOM_T0;
if (t0Text !== undefined) {
  const t = parseT0(t0Text, Date.now());
  if (t === null) fail(`--t0 must be ISO 8601 with an offset or "now+60s", got ${JSON.stringify(t0Text)}`);
  t0Ms = t;
} else {
  const path = process.env.WARROOM_EVENT || 'events/demo.json';
  try {
    t0Ms = parseEventDefinition(JSON.parse(readFileSync(path, 'utf8')), path, Date.now()).t0Ms;
  } catch (e) {
    fail((e as Error).message);
  }
}

const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
redis.on('error', (e: Error) => process.stderr.write(`simulate: redis: ${e.message}\n`));
const sim = new Simulator(redis, {
  t0Ms,
  speed,
  scale,
  seed,
  keyPrefix: process.env.WARROOM_KEY_PREFIX ?? 'wr:',
  batchAbovePerSec: 2000,
  batchSize: 500,
  stepMs: 100,
  runId: `sim${seed}-${randomBytes(3).toString('hex')}`,
});
process.stdout.write(`simulate: T0 ${new Date(t0Ms).toISOString()}, speed ${speed}×, scale ${scale}×, seed ${seed}\n`);
if (values.backfill && t0Ms < Date.now()) {
  if (speed !== 1) fail('--backfill needs --speed 1 (a backfill writes real event times)');
  await sim.backfill(Math.max(t0Ms - 5 * 60_000, Date.now() - 23 * 3600_000));
  process.stdout.write(`simulate: backfilled ${sim.stats.orders} orders up to now\n`);
}
sim.start();
const stop = (): void => {
  sim.stop();
  process.stdout.write(`simulate: wrote ${sim.stats.orders} orders in ${sim.stats.entries} entries\n`);
  redis.disconnect();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
if (Number.isFinite(durationS)) setTimeout(stop, durationS * 1000);
