/**
 * Redis Cluster connections (issue 11), groundwork for sharded ingest: every one with an error
 * listener, like the single-Redis ones in redis.ts. Nothing serves a cluster yet, so a process given
 * REDIS_CLUSTER refuses to start ({@link refuseUnservedCluster}) instead of quietly using REDIS_URL.
 */
import { Cluster } from 'ioredis';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { StartRefused } from './resume';
import { reconnectDelay, warnOnErrors } from './redis';

/** `host:port` (as REDIS_CLUSTER validates it; an IPv6 host in brackets) to ioredis' node form. */
export function clusterNode(node: string): { host: string; port: number } {
  const colon = node.lastIndexOf(':');
  return { host: node.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(colon + 1)) };
}

/**
 * Opens a Cluster client from seed nodes. As with connectRedis, `blocking` connections fail commands
 * at once while the cluster is unreachable (no offline queue), so a loop sees the outage instead
 * of a silently queued command. A cluster that is down (CLUSTERDOWN) is retried for about
 * maxRedirections × retryDelayOnClusterDown (16 × 100 ms), then the command fails: an error, never
 * a hang.
 */
export function connectCluster(nodes: readonly string[], log: Logger, role: string, blocking = false): Cluster {
  const c = new Cluster(nodes.map(clusterNode), {
    enableOfflineQueue: !blocking,
    clusterRetryStrategy: reconnectDelay,
    redisOptions: {
      maxRetriesPerRequest: blocking ? 0 : null,
      // With the pid: CLIENT LIST on any node tells which process a connection belongs to.
      connectionName: `warroom-${role}-${process.pid}`,
    },
  });
  warnOnErrors(c, log, `redis cluster ${role}`);
  return c;
}

/**
 * `host:port` of the master serving `key`'s slot, for a dedicated (blocking) connection to it: a
 * blocking XREAD cannot span slots, and on the shared Cluster client it would stall every other
 * command to that node.
 */
export async function slotOwner(cluster: Cluster, key: string): Promise<string> {
  const slot = Number(await cluster.call('CLUSTER', 'KEYSLOT', key));
  const owner = cluster.slots[slot]?.[0];
  if (owner === undefined) throw new Error(`no node serves slot ${slot} (of ${key})`);
  return owner;
}

/** Until sharded ingest lands, no role reads a cluster: refuse to start rather than count from REDIS_URL. */
export function refuseUnservedCluster(config: Pick<ServerConfig, 'redisCluster'>): void {
  if (config.redisCluster === null) return;
  throw new StartRefused(
    'REDIS_CLUSTER is set, but this build cannot count from a Redis Cluster yet: it needs sharded ingest ' +
      '(WARROOM_ROLE=ingest|gateway with WARROOM_SHARDS, not built yet). Unset REDIS_CLUSTER and set REDIS_URL to a single Redis.',
  );
}
