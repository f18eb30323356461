import { afterEach, describe, expect, it } from 'vitest';
import { startTestWarroom, waitFor, type TestWarroom } from '../support/warroom';
import { trimCases } from '../support/trims';

/**
 * Every trimming command, past warroom's cursor, against the real redis-server (7.0: none of them
 * but XDEL moves max-deleted-entry-id); see tests/support/trims.ts.
 */
const FAST = { WARROOM_HISTORY_CHECK_MS: '500', WARROOM_CHECKPOINT_MS: '200' };

let w: TestWarroom | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const READ = 3;
const trims = trimCases;

/** Starts a warroom and lets it read READ orders. */
async function withReadOrders(prefix?: string): Promise<TestWarroom> {
  const t = await startTestWarroom(FAST, undefined, prefix);
  for (let i = 0; i < READ; i++) await t.redis.xadd(`${t.prefix}orders`, '*', 'id', `r${i}`, 'amount', '1.00');
  await waitFor(() => (t.app.aggregator.orders === READ ? true : undefined), 10_000, 'the first orders');
  return t;
}

const trimmedAlarm = (t: TestWarroom) => t.app.state().alarms.find((a) => a.kind === 'history_trimmed' && a.stream === `${t.prefix}orders`);
const figures: string[] = [];

describe('trimmed history (Redis 7.0)', () => {
  it.each(trims)('$name past the cursor while warroom reads: alarm with the exact count, /healthz 503, new epoch', async (trim) => {
    w = await withReadOrders();
    const epoch = w.app.state().epoch;
    const lost = await trim.run(w.redis, `${w.prefix}orders`);
    expect(lost).toBeGreaterThan(0);
    const t0 = Date.now();
    const alarm = await waitFor(() => trimmedAlarm(w!), 10_000, `an alarm after ${trim.name}`);
    const ms = Date.now() - t0;
    figures.push(`${trim.name}: running ${ms} ms (${lost} lost)`);
    expect(alarm.detail).toContain(`${lost} entries were trimmed or deleted before warroom read them`);
    expect((await fetch(`${w.app.url}/healthz`)).status).toBe(503);
    expect(w.app.state().epoch).not.toBe(epoch);
  });

  it.each(trims)('$name past the cursor while warroom is stopped: alarm at start', async (trim) => {
    const first = await withReadOrders();
    const prefix = first.prefix;
    await first.close();
    const r = first.redis.duplicate();
    try {
      const lost = await trim.run(r, `${prefix}orders`);
      expect(lost).toBeGreaterThan(0);
      const t0 = Date.now();
      w = await startTestWarroom(FAST, undefined, prefix);
      const alarm = await waitFor(() => trimmedAlarm(w!), 10_000, `an alarm after ${trim.name}`);
      figures.push(`${trim.name}: at start ${Date.now() - t0} ms (start included)`);
      expect(alarm.detail).toContain(`${lost} entries were trimmed or deleted before warroom read them`);
    } finally {
      r.disconnect();
    }
  });

  it('stays quiet when producers trim only what warroom has read (docs/ingest.md, Retention), running and across a restart', async () => {
    w = await withReadOrders();
    const k = `${w.prefix}orders`;
    const add = async (n: number): Promise<void> => {
      const want = w!.app.aggregator.orders + n;
      for (let i = 0; i < n; i++) await w!.redis.xadd(k, '*', 'id', `b${want}-${i}`, 'amount', '1.00');
      await waitFor(() => (w!.app.aggregator.orders === want ? true : undefined), 10_000, 'the orders');
    };
    await w.redis.xtrim(k, 'MAXLEN', 0);
    await add(3);
    const lastId = (await w.redis.xrevrange(k, '+', '-', 'COUNT', 1))[0]![0];
    await w.redis.xtrim(k, 'MINID', lastId);
    await add(2);
    const all = (await w.redis.xrange(k, '-', '+')).map(([id]) => id);
    await w.redis.xdel(k, all[0]!);
    await w.redis.call('XADD', k, 'MAXLEN', 1, '*', 'id', 'm1', 'amount', '1.00');
    await waitFor(() => (w!.app.aggregator.orders === 9 ? true : undefined), 10_000, 'the last order');
    await new Promise((r) => setTimeout(r, 2000)); // four history checks
    expect(w.app.state().alarms).toEqual([]);

    // Stopped: the producer trims exactly up to the cursor and writes on; warroom resumes quietly.
    const prefix = w.prefix;
    await w.close();
    const r = w.redis.duplicate();
    w = undefined;
    await r.xtrim(k, 'MAXLEN', 0);
    await r.xadd(k, '*', 'id', 'after', 'amount', '1.00');
    r.disconnect();
    w = await startTestWarroom(FAST, undefined, prefix);
    await waitFor(() => (w!.app.aggregator.orders === 10 ? true : undefined), 10_000, 'the order written while stopped');
    await new Promise((res) => setTimeout(res, 1500));
    expect(w.app.state().alarms).toEqual([]);
    expect((await fetch(`${w.app.url}/healthz`)).status).toBe(200);
  });

  it('reports the detection times', () => {
    process.stdout.write(`trimmed-history detection (WARROOM_HISTORY_CHECK_MS=500):\n  ${figures.join('\n  ')}\n`);
    expect(figures.length).toBe(trims.length * 2);
  });
});
