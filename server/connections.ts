/**
 * The Redis connections of one process, opened in one place. Each role has its own connection
 * because each must not wait behind the others: a lease renewal behind a large checkpoint write
 * would lose the lease, and a subscribed connection can do nothing else.
 */
import type { Redis } from 'ioredis';
import { connectRedis } from './redis';
import type { Logger } from './log';

export interface Connections {
  /** Streams (history probes, dead letters), admin state, credentials; queues commands while disconnected. */
  main: Redis;
  /**
   * Checkpoints, without an offline queue: during an outage a save fails at once instead of
   * queueing megabytes of stale state.
   */
  checkpoint: Redis;
  /** The ingest lease, without an offline queue: a renewal must not wait behind other traffic. */
  lease: Redis;
  /** Admin actions from the other nodes (pub/sub). */
  adminSub: Redis;
  /** A new blocking connection for the stream reader (ingest opens and closes its own). */
  reader(): Redis;
  /** Disconnects all but the readers. */
  close(): void;
}

export function openConnections(url: string, log: Logger): Connections {
  const main = connectRedis(url, log, 'main');
  const checkpoint = connectRedis(url, log, 'checkpoint', true);
  const lease = connectRedis(url, log, 'lease', true);
  const adminSub = connectRedis(url, log, 'admin-bus');
  return {
    main,
    checkpoint,
    lease,
    adminSub,
    reader: () => connectRedis(url, log, 'reader', true),
    close() {
      for (const r of [main, checkpoint, lease, adminSub]) r.disconnect();
    },
  };
}
