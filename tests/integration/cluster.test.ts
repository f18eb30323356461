/**
 * Redis Cluster groundwork (issue 11) against a real 3-master cluster on loopback: what sharded
 * ingest will rely on (one slot per shard through a hash tag, atomic writes within it, one
 * blocking reader per shard on the slot's master, errors rather than hangs when a master dies),
 * and the refusal to start while nothing serves a cluster.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import type { Cluster, Redis } from 'ioredis';
import { connectCluster, slotOwner } from '../../server/redis-cluster';
import { connectRedis, whenReady, within } from '../../server/redis';
import { silentLogger } from '../../server/log';
import { useTestCluster } from '../support/cluster';
import { waitFor } from '../support/warroom';

const cluster = useTestCluster();

const open: (Cluster | Redis)[] = [];
function track<T extends Cluster | Redis>(c: T): T {
  open.push(c);
  return c;
}
afterEach(() => {
  for (const c of open.splice(0)) c.disconnect();
});

/** Runs the production server bundle with `env` until it exits (or `ms` pass): exit code and stderr. */
function runServer(env: Record<string, string>, ms: number): Promise<{ code: number | null; stderr: string }> {
  // Dropped so the server sees only `env`'s Redis settings.
  const { REDIS_URL: _url, REDIS_CLUSTER: _cluster, ...inherited } = process.env;
  const proc = spawn(process.execPath, ['dist/server/main.js'], {
    env: { ...inherited, PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`server still running after ${ms} ms (no refusal):\n${stderr}`));
    }, ms);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('Redis Cluster', () => {
  it('connectCluster reaches all three masters and routes each key to its slot', async () => {
    const c = track(connectCluster(cluster().nodes, silentLogger, 'test'));
    // Enough keys to land on every master (slots are split in three ranges).
    const keys = Array.from({ length: 30 }, (_, i) => `wr:{s${i}}:probe`);
    for (const k of keys) await c.set(k, k);
    expect(await Promise.all(keys.map((k) => c.get(k)))).toEqual(keys);
    const owners = new Set(await Promise.all(keys.map((k) => slotOwner(c, k))));
    expect([...owners].sort()).toEqual([...cluster().nodes].sort());
  });

  it('keys of one hash tag share a slot: MULTI and a Lua script over them succeed; two tags fail with CROSSSLOT', async () => {
    const c = track(connectCluster(cluster().nodes, silentLogger, 'test'));
    const [orders, ckpt] = ['wr:{s0}:orders', 'wr:{s0}:ckpt'];
    expect(await c.call('CLUSTER', 'KEYSLOT', orders)).toBe(await c.call('CLUSTER', 'KEYSLOT', ckpt));

    const tx = await c.multi().xadd(orders, '*', 'id', 'o-1', 'amount', '1.00').set(ckpt, 'v1').exec();
    expect(tx?.map(([err]) => err)).toEqual([null, null]);
    // The shape of the per-shard checkpoint: compare a fencing token, then write, atomically.
    const save =
      "if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end redis.call('XADD', KEYS[1], '*', 'id', 'o-2') redis.call('SET', KEYS[2], ARGV[2]) return 1";
    expect(await c.eval(save, 2, orders, ckpt, 'v1', 'v2')).toBe(1);
    expect(await c.eval(save, 2, orders, ckpt, 'v1', 'v3')).toBe(0); // stale token: nothing written
    expect(await c.get(ckpt)).toBe('v2');
    expect(await c.xlen(orders)).toBe(2);

    const other = 'wr:{s1}:ckpt';
    expect(await c.call('CLUSTER', 'KEYSLOT', other)).not.toBe(await c.call('CLUSTER', 'KEYSLOT', orders));
    await expect(c.eval(save, 2, orders, other, 'v2', 'v4')).rejects.toThrow(/CROSSSLOT/);
    // {s0} and {s1} (slots 11097 and 15224) are on the same master, so this is Redis' own refusal.
    await expect(c.multi().set(ckpt, 'x').set(other, 'x').exec()).rejects.toThrow(/CROSSSLOT/);
    expect(await c.get(ckpt)).toBe('v2');
  });

  it('one blocking XREAD per shard, each on a dedicated connection to its slot master, returns new entries', async () => {
    const c = track(connectCluster(cluster().nodes, silentLogger, 'test'));
    const shards = ['wr:{s2}:orders', 'wr:{s3}:orders']; // on different masters
    const owners = await Promise.all(shards.map((k) => slotOwner(c, k)));
    expect(owners[0]).not.toBe(owners[1]);
    const starts = await Promise.all(shards.map((k) => c.xadd(k, '*', 'id', 'before')));
    await c.set('wr:{s2}:probe', 'p');

    const readers = owners.map((o) => track(connectRedis(`redis://${o}`, silentLogger, 'reader', true)));
    // Without an offline queue (as the ingest reader), a read before the connection is ready fails at once.
    await Promise.all(readers.map((r) => whenReady(r, 5000)));
    const reads = shards.map((k, i) => readers[i]!.xread('BLOCK', 20_000, 'STREAMS', k, starts[i]!));
    // The shared client is not stuck behind the blocked readers.
    expect(await within(c.get('wr:{s2}:probe'), 5000)).toBe('p');
    const added = await Promise.all(shards.map((k, i) => c.xadd(k, '*', 'id', `after-${i}`)));
    const got = await within(Promise.all(reads), 15_000);
    // Read from the entry before: no race with the XADD, each reader gets exactly its shard's new entry.
    expect(got).toEqual(shards.map((k, i) => [[k, [[added[i], ['id', `after-${i}`]]]]]));
    // A plain connection to another master is not served that slot: one reader per shard.
    await expect(readers[1]!.xread('STREAMS', shards[0]!, '0')).rejects.toThrow(/MOVED/);
  });

  it('refuses to start the server with REDIS_CLUSTER set, naming it (no fallback to REDIS_URL)', async () => {
    const refused = await runServer({ REDIS_CLUSTER: cluster().nodes.join(',') }, 20_000);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/REDIS_CLUSTER is set, but this build cannot count from a Redis Cluster yet/);
    const both = await runServer({ REDIS_CLUSTER: cluster().nodes.join(','), REDIS_URL: 'redis://127.0.0.1:1' }, 20_000);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/REDIS_CLUSTER and REDIS_URL are both set/);
  });

  // Last: it kills a master of the file's cluster.
  it('a dead master: the cluster reports failure and clients get errors, not hangs', async () => {
    const main = track(connectCluster(cluster().nodes, silentLogger, 'main'));
    const blocking = track(connectCluster(cluster().nodes, silentLogger, 'blocking', true));
    const keys = ['wr:{s0}:orders', 'wr:{s2}:orders', 'wr:{s3}:orders'];
    const owners = await Promise.all(keys.map((k) => slotOwner(main, k)));
    expect(new Set(owners).size).toBe(3);
    await blocking.exists(keys[0]!); // connected before the death
    const dead = cluster().nodes.indexOf(owners[0]!);
    await cluster().stopNode(dead);
    const failsWithin = (c: Cluster, k: string): Promise<void> =>
      expect(within(c.exists(k), 15_000, 'hang')).rejects.toThrow(/CLUSTERDOWN|Connection is closed|redirections/);
    // At once, before the others flag it: a key of the dead master fails, it does not wait for it.
    await Promise.all([failsWithin(main, keys[0]!), failsWithin(blocking, keys[0]!)]);

    const alive = [0, 1, 2].filter((i) => i !== dead);
    await waitFor(
      async () => ((await Promise.all(alive.map((i) => cluster().info(i)))).every((i) => i.cluster_state === 'fail') ? true : undefined),
      30_000,
      'cluster_state:fail on the surviving masters',
    );
    // Then every key, on the dead master or not, fails within a bound (CLUSTERDOWN): no partial service.
    await Promise.all([main, blocking].flatMap((c) => keys.map((k) => failsWithin(c, k))));
  });
});
