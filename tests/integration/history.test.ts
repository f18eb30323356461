import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { startTestWarroom, waitFor, type TestWarroom } from '../support/warroom';

/**
 * Every trimming command, past warroom's cursor, against the real redis-server (7.0: none of them
 * but XDEL moves max-deleted-entry-id). The producer writes and trims in one MULTI, so the reader
 * can never see the trimmed entries: the same as trimming while warroom is paused.
 */
const FAST = { WARROOM_HISTORY_CHECK_MS: '500', WARROOM_CHECKPOINT_MS: '200' };

let w: TestWarroom | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

type Trim = { name: string; run(r: Redis, key: string): Promise<number> };

/** Queues `n` orders with explicit IDs after everything so far; returns the IDs. */
function ids(n: number): string[] {
  const ms = Date.now() + 5;
  return Array.from({ length: n }, (_, i) => `${ms}-${i + 1}`);
}

/** Runs a MULTI that adds `adds` orders (explicit IDs) and then `trim`; returns the trim's reply. */
async function addThenTrim(r: Redis, key: string, adds: string[], trim: (string | number)[]): Promise<number> {
  const m = r.multi();
  adds.forEach((id, i) => m.call('XADD', key, id, 'id', `u${id}`, 'amount', `${i + 1}.00`));
  m.call(...(trim as [string, ...(string | number)[]]));
  const res = (await m.exec())!;
  const last = res[res.length - 1]!;
  if (last[0]) throw last[0];
  return typeof last[1] === 'number' ? last[1] : 1;
}

// Before each trim the stream holds READ entries, all read by warroom; the expected loss is what
// the trim removed beyond them (every command here removes the read ones first).
const READ = 3;
const trims: Trim[] = [
  { name: 'XTRIM MAXLEN', run: async (r, k) => (await addThenTrim(r, k, ids(5), ['XTRIM', k, 'MAXLEN', 2])) - READ },
  { name: 'XTRIM MAXLEN ~', run: async (r, k) => (await addThenTrim(r, k, ids(250), ['XTRIM', k, 'MAXLEN', '~', 10])) - READ },
  {
    name: 'XADD … MAXLEN',
    run: async (r, k) => {
      const a = ids(5);
      await addThenTrim(r, k, a.slice(0, 4), ['XADD', k, 'MAXLEN', 2, a[4]!, 'id', 'last', 'amount', '1.00']);
      return 3 + 4 + 1 - 2 - READ;
    },
  },
  {
    name: 'XADD … MAXLEN ~',
    run: async (r, k) => {
      const before = await r.xlen(k);
      const a = ids(251);
      await addThenTrim(r, k, a.slice(0, 250), ['XADD', k, 'MAXLEN', '~', 10, a[250]!, 'id', 'last', 'amount', '1.00']);
      return before + 251 - (await r.xlen(k)) - READ;
    },
  },
  {
    name: 'XTRIM MINID',
    run: async (r, k) => {
      const a = ids(5);
      return (await addThenTrim(r, k, a, ['XTRIM', k, 'MINID', a[3]!])) - READ;
    },
  },
  {
    name: 'XTRIM MINID ~',
    run: async (r, k) => {
      const a = ids(250);
      return (await addThenTrim(r, k, a, ['XTRIM', k, 'MINID', '~', a[240]!])) - READ;
    },
  },
  {
    name: 'XADD … MINID',
    run: async (r, k) => {
      const a = ids(5);
      await addThenTrim(r, k, a.slice(0, 4), ['XADD', k, 'MINID', a[3]!, a[4]!, 'id', 'last', 'amount', '1.00']);
      return 3;
    },
  },
  {
    name: 'XDEL',
    run: async (r, k) => {
      const a = ids(5);
      return addThenTrim(r, k, a, ['XDEL', k, a[1]!, a[3]!]);
    },
  },
];

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
