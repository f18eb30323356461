/**
 * A private 3-master Redis Cluster for the test file that calls {@link useTestCluster}: started in
 * its beforeAll, stopped in its afterAll. Only files that ask pay its start (about 2 s here); the
 * single redis-server of the global setup stays what every other test uses.
 */
import { afterAll, beforeAll } from 'vitest';
import { startRedisCluster, type ClusterOptions, type RedisCluster } from '../../scripts/redis-cluster';

/** Registers the start and stop hooks; the returned function gives the running cluster inside tests. */
export function useTestCluster(options?: ClusterOptions): () => RedisCluster {
  let cluster: RedisCluster | undefined;
  beforeAll(async () => {
    cluster = await startRedisCluster(options);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the test cluster did not start');
    return cluster;
  };
}
