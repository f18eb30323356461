import { describe, expect, it } from 'vitest';
import { Feed } from '../support/feed';
import { apiState, drained, sleep } from '../support/fault-env';
import { useFaultRig } from '../support/fault-rig';
import { Redis } from 'ioredis';
import { reconcile } from '../../server/reconcile';
import { streamKeys } from '../../server/redis';
import { defaultDecodeOptions } from '../../server/ingest/decode';

const rig = useFaultRig();

describe('kill -9 during heavy ingest', () => {
  it('10 kills at random instants during a 50k orders/s feed (single, batched, retried ids): totals equal the ledger exactly', async () => {
    const feed = new Feed({ redisUrl: rig.redis.url, ratePerSec: 50_000, seed: 11 });
    const started = Date.now();
    feed.start();
    let kills = 0;
    for (let i = 0; i < 10; i++) {
      await sleep(400 + Math.random() * 1100);
      await rig.crashAndRestart();
      kills++;
    }
    await sleep(500);
    await feed.stop();
    const fedSeconds = (Date.now() - started) / 1000;
    const l = feed.ledger;
    const final = await drained(rig.server.url, l.orders);
    await sleep(300);
    const settled = (await apiState(rig.server.url))!;
    process.stdout.write(
      `kill9: ${kills} kills, ${l.orders} distinct orders (${Math.round(l.orders / fedSeconds)}/s), ${l.duplicatesWritten} retried ids, ${l.entries} entries\n`,
    );
    expect(kills).toBe(10);
    expect(final.orders).toBe(l.orders);
    expect(settled.totals.gmvMinor).toBe(l.gmvMinor.toString());
    expect(settled.orders).toBe(l.orders);
    expect(settled.totals.duplicates).toBe(l.duplicatesWritten);
    expect(settled.rejected).toBe(0);
    expect(settled.alarms).toEqual([]);
    // And recomputing everything from the streams agrees with the live state.
    const r = new Redis(rig.redis.url);
    const rec = await reconcile(r, streamKeys('wr:'), settled, defaultDecodeOptions, 15 * 60_000);
    r.disconnect();
    process.stdout.write(`kill9: reconcile re-read ${rec.entriesRead} entries, ${rec.differences.length} differences\n`);
    expect(rec.differences).toEqual([]);
  }, 180_000);
});
