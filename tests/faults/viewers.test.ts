import { describe, expect, it } from 'vitest';
import { Feed } from '../support/feed';
import { drained, FAULT_VIEWER_TOKEN, sleep } from '../support/fault-env';
import { useFaultRig } from '../support/fault-rig';
import { waitFor } from '../support/warroom';
import { LiveStore } from '../../client/live/store.svelte';
import { ServerClock } from '../../client/live/server-clock.svelte';
import { LiveConnection } from '../../client/live/connection';

const rig = useFaultRig();

describe('viewers through a server crash', () => {
  it('200 real clients reconnect with jittered backoff after kill -9 and converge to the server state, never running backwards', async () => {
    const viewers = Array.from({ length: 200 }, () => {
      const store = new LiveStore();
      const clock = new ServerClock();
      const conn = new LiveConnection(store, clock, { url: rig.server.url, token: FAULT_VIEWER_TOKEN });
      return { store, clock, conn, maxOrders: 0, backwards: 0, liveAgainAt: 0 };
    });
    try {
      await waitFor(() => (viewers.every((v) => v.store.connection === 'live') ? true : undefined), 30_000, 'all viewers live');
      const feed = new Feed({ redisUrl: rig.redis.url, ratePerSec: 3000, seed: 5 });
      feed.start();
      const sampler = setInterval(() => {
        for (const v of viewers) {
          const o = v.store.totals?.orders ?? 0;
          if (o < v.maxOrders) v.backwards++;
          v.maxOrders = Math.max(v.maxOrders, o);
        }
      }, 20);
      await sleep(2000);

      await rig.crash();
      const killedAt = Date.now();
      await waitFor(() => (viewers.every((v) => v.store.connection !== 'live') ? true : undefined), 10_000, 'viewers to notice');
      await rig.restart();
      const restartedAt = Date.now();
      const watch = setInterval(() => {
        for (const v of viewers) if (!v.liveAgainAt && v.store.connection === 'live') v.liveAgainAt = Date.now();
      }, 10);
      await waitFor(() => (viewers.every((v) => v.liveAgainAt > 0) ? true : undefined), 30_000, 'all viewers back');
      clearInterval(watch);
      await sleep(1000);
      await feed.stop();
      const l = feed.ledger;
      const s = await drained(rig.server.url, l.orders, 30_000);
      await waitFor(
        () =>
          viewers.every((v) => v.store.totals?.gmvMinor === s.totals.gmvMinor && v.store.totals.orders === s.orders) ? true : undefined,
        10_000,
        'viewers converged',
      );
      clearInterval(sampler);

      const back = viewers.map((v) => v.liveAgainAt - restartedAt).sort((a, b) => a - b);
      process.stdout.write(
        `viewers: 200 back ${back[0]}–${back[back.length - 1]} ms after the restart (killed ${restartedAt - killedAt} ms before it), ` +
          `converged on ${s.orders} orders, gmv ${s.gmv}\n`,
      );
      expect(s.totals.gmvMinor).toBe(l.gmvMinor.toString());
      expect(viewers.reduce((n, v) => n + v.backwards, 0)).toBe(0);
      // Jitter: the reconnects are spread out, not a thundering herd at one instant.
      expect(back[back.length - 1]! - back[0]!).toBeGreaterThan(100);
    } finally {
      for (const v of viewers) {
        v.conn.close();
        v.clock.stop();
      }
    }
  }, 120_000);
});
