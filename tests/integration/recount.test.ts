import { afterEach, describe, expect, inject, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTestWarroom, VIEWER_TOKEN, waitFor, type TestWarroom } from '../support/warroom';
import type { ApiState } from '../../server/app';

/**
 * A recount from the streams (no checkpoint, or one that cannot be used) is exact only when the
 * streams still hold their whole history; when producers have trimmed entries already counted (as
 * docs/ingest.md "Retention" allows), it must say so on every screen.
 */
const FAST = { WARROOM_HISTORY_CHECK_MS: '500', WARROOM_CHECKPOINT_MS: '200' };

let w: TestWarroom | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** Counts `n` orders with a first warroom, stops it (it saves a checkpoint), and returns its prefix. */
async function countThenStop(n: number): Promise<string> {
  const first = await startTestWarroom(FAST);
  for (let i = 0; i < n; i++) await first.redis.xadd(`${first.prefix}orders`, '*', 'id', `o${i}`, 'amount', '2.00');
  await waitFor(() => (first.app.aggregator.orders === n ? true : undefined), 10_000, 'the orders');
  await first.close();
  return first.prefix;
}

/** Runs `cmd` against the test run's Redis on a connection of its own (no warroom running). */
async function redisDo(cmd: (r: Redis) => Promise<unknown>): Promise<void> {
  const r = new Redis(inject('redisUrl'));
  try {
    await cmd(r);
  } finally {
    r.disconnect();
  }
}

const apiState = async (url: string): Promise<ApiState> =>
  (await (await fetch(`${url}/api/state`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as ApiState;

describe('recount without a usable checkpoint', () => {
  it.each([
    ['missing', (k: string) => ['DEL', k]],
    ['corrupt', (k: string) => ['SET', k, '{"version":1,"epoch":']],
  ])('%s checkpoint after producers trimmed counted entries: recount_incomplete, /healthz 503, in /api/state', async (_what, damage) => {
    const prefix = await countThenStop(5);
    await redisDo(async (r) => {
      await r.xtrim(`${prefix}orders`, 'MAXLEN', 2); // allowed: warroom had read them
      await r.call(...(damage(`${prefix}ckpt`) as [string, ...string[]]));
    });
    const t0 = Date.now();
    w = await startTestWarroom(FAST, undefined, prefix);
    const alarm = await waitFor(() => w!.app.state().alarms.find((a) => a.kind === 'recount_incomplete'), 10_000, 'the recount alarm');
    process.stdout.write(`recount_incomplete (${_what} checkpoint): ${Date.now() - t0} ms from start\n`);
    expect(alarm).toMatchObject({ stream: `${prefix}orders`, ackedAtMs: null });
    expect(alarm.detail).toContain('3 entries were trimmed or deleted');
    await waitFor(() => (w!.app.aggregator.orders === 2 ? true : undefined), 10_000, 'the retained orders');
    const health = await fetch(`${w.app.url}/healthz`, { headers: { Authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(health.status).toBe(503);
    expect(((await health.json()) as { alarms: { kind: string }[] }).alarms.map((a) => a.kind)).toContain('recount_incomplete');
    const st = await apiState(w.app.url);
    expect(st.alarms.map((a) => a.kind)).toContain('recount_incomplete');
    expect(st.orders).toBe(2);
  });

  it('missing checkpoint with untrimmed streams: an exact recount and no alarm', async () => {
    const prefix = await countThenStop(5);
    await redisDo((r) => r.del(`${prefix}ckpt`));
    w = await startTestWarroom(FAST, undefined, prefix);
    await waitFor(() => (w!.app.aggregator.orders === 5 ? true : undefined), 10_000, 'the recount');
    await new Promise((r) => setTimeout(r, 1500)); // three history checks
    const st = await apiState(w.app.url);
    expect(st.gmv).toBe('10.00');
    expect(st.alarms).toEqual([]);
    await waitFor(async () => ((await fetch(`${w!.app.url}/healthz`)).status === 200 ? true : undefined), 5000, '/healthz 200');
  });
});
