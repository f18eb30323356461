/**
 * Who counts: the process holding the prefix's ingest lease (lease.ts). One that takes it at start
 * counts at once, and a failure there fails the start. Any other stands by (serves pages, admin and
 * sockets, no figures) and starts counting when the holder stops renewing; a failed takeover must
 * not hold the lease while counting nothing, so it lets the lease go and says so. A lost lease stops
 * counting at once (the writes are fenced anyway).
 *
 *   const { leaseLost, takeOverFailed } = await countWhileOwner({ lease, redis, counting, log });
 */
import type { Redis } from 'ioredis';
import type { Lease, LeaseHolder } from './lease';
import type { Counting } from './counting';
import { whenReachableOn } from './redis';
import type { Logger } from './log';

export interface OwnershipOptions {
  lease: Lease;
  /** The lease's connection (waited for before the first attempt). */
  redis: Redis;
  counting: Pick<Counting, 'start' | 'stop'>;
  log: Logger;
}

export interface Ownership {
  /** Settles if this process loses the lease to another (it has stopped counting then). */
  leaseLost: Promise<LeaseHolder | null>;
  /** Resolves when a standby's takeover failed (it released the lease and counts nothing). */
  takeOverFailed: Promise<Error>;
}

/** Takes the lease and counts, or stands by. Throws when counting could not start on a lease taken now. */
export async function countWhileOwner(o: OwnershipOptions): Promise<Ownership> {
  const { lease, counting, log } = o;
  const leaseLost = new Promise<LeaseHolder | null>((resolve) =>
    lease.onLost(
      (by) =>
        void counting
          .stop()
          .catch((e: Error) => log.error(`stopping after the lease was lost: ${e.message}`))
          .finally(() => resolve(by)),
    ),
  );
  let failed: (e: Error) => void = () => undefined;
  const takeOverFailed = new Promise<Error>((resolve) => (failed = resolve));
  const acquired = await whenReachableOn(o.redis, 'taking the ingest lease', () => lease.tryAcquire(), log);
  if (acquired) {
    // e.g. a currency change against the saved state: the caller's failed start stops counting and releases the lease.
    await counting.start();
  } else {
    lease.standBy(() =>
      counting.start().catch(async (e: unknown) => {
        log.error(`taking over failed: ${(e as Error).stack ?? e}`);
        await counting.stop().catch(() => undefined);
        await lease.release().catch(() => undefined);
        failed(e as Error);
      }),
    );
  }
  return { leaseLost, takeOverFailed };
}
