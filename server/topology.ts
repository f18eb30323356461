/**
 * Publishes the shard topology at `<prefix>topology` (docs/ingest.md, "Sharded streams"), so
 * producers and tools find every stream's key per shard instead of hard-coding the shard count.
 *
 * Written by the process that counts, each time it starts counting (at start or on taking over):
 * a plain SET, not fenced. The JSON depends on nothing but the prefix and the shard count, so a
 * repeat, or a former owner that wakes up and repeats it, writes the same bytes. (A fenced script
 * would also tie the key to the lease's hash slot on Redis Cluster, while producers must find it
 * at the plain `<prefix>topology`.) A process counting with another shard count must refuse to
 * start before it gets here (issue 11: changing N against saved state refuses to start).
 */
import type { Redis } from 'ioredis';
import { topology, topologyKey } from '../shared/shard';

/** Until `WARROOM_SHARDS` lands, every process counts one shard: today's keys. */
export const UNSHARDED = 1;

export async function publishTopology(redis: Pick<Redis, 'set'>, prefix: string, shards: number): Promise<void> {
  await redis.set(topologyKey(prefix), JSON.stringify(topology(prefix, shards)));
}
