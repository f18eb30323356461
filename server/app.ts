/**
 * Composition of one warroom process: ingest → aggregate → publish, behind the HTTP server, with
 * checkpoints and history watch. `main.ts` reads the environment and calls {@link startWarroom};
 * tests call it directly. Only the holder of the prefix's ingest lease counts (ownership.ts); another
 * process on the same prefix stands by (serves pages, admin and sockets, no figures) and takes over
 * when the holder stops renewing. Each part registers its stop as it starts: closing, and a failed
 * start, stop them in reverse (lifecycle.ts).
 */
import type { Aggregator } from './aggregate/aggregator';
import type { Ingest } from './ingest/ingest';
import { Publisher } from './publish/publisher';
import { CredentialStore } from './security/credentials';
import { bootstrapAdmin } from './security/bootstrap-admin';
import { AdminPlane } from './admin';
import { AdminBus } from './admin-bus';
import { Lease } from './lease';
import { whenReachable, whenReachableOn } from './redis';
import type { Checkpointer } from './checkpoint';
import { HealthReport } from './health';
import { eventInfo, type EventDefinition } from './event';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { AlarmBoard } from './alarms';
import { Lifecycle } from './lifecycle';
import { refuseUnservedCluster } from './redis-cluster';
import { openConnections } from './connections';
import { Epoch } from './epoch';
import { Counting } from './counting';
import { countWhileOwner } from './ownership';
import { Web } from './web';
import { apiState, type ApiState } from './api-state';
import type { Warroom } from './warroom';

export type { ApiState } from './api-state';
export type { Warroom } from './warroom';

export async function startWarroom(
  config: ServerConfig,
  event: EventDefinition,
  log: Logger,
  now: () => number = Date.now,
): Promise<Warroom> {
  refuseUnservedCluster(config); // a Redis Cluster is refused, never quietly swapped for REDIS_URL
  const life = new Lifecycle();
  const redis = openConnections(config.redisUrl, log);
  life.started('redis connections', () => redis.close());
  try {
    const epoch = new Epoch();
    // A raised alarm starts a new epoch: every screen resyncs and shows it.
    const alarms = new AlarmBoard({ now, log, onChange: (raised) => void (raised && epoch.renew()) });
    // What an admin changed before a restart (T0, target, milestones) applies before counting starts;
    // garbage there is raised once the saved alarms are back.
    const garbage = await whenReachableOn(
      redis.main,
      'loading admin overrides',
      () => AdminPlane.loadOverrides(redis.main, config.keyPrefix, event),
      log,
    );
    const { viewerToken, adminToken, sessionTtlMs } = config;
    const creds = new CredentialStore(redis.main, { prefix: config.keyPrefix, viewerToken, adminToken, sessionTtlMs, now, log });
    life.started('credentials', () => creds.stop());
    await whenReachable('loading credentials', () => creds.start(), log);
    await bootstrapAdmin(creds, config.bootstrapAdmin);

    const lease = new Lease(redis.lease, { prefix: config.keyPrefix, ttlMs: config.leaseMs, now, log });
    const web = new Web({ config, creds, now, log });
    life.started('http and sockets', () => web.close());
    const { io, disconnect } = web.sockets;
    // Admin actions reach the screens of every node serving the prefix (standbys too) through Redis pub/sub.
    const bus = new AdminBus(redis.main, redis.adminSub, config.keyPrefix, log);
    life.started('admin bus', () => bus.stop());
    const admin = new AdminPlane({
      redis: redis.main,
      prefix: config.keyPrefix,
      creds,
      aggregator: () => counting.aggregator,
      alarms,
      event,
      now,
      screens: { event: (e) => io.emit('event', e), banner: (b) => io.emit('banner', b), reload: () => io.emit('reload'), disconnect },
      peers: bus,
      counting: () => counting.live,
      log,
    });
    await whenReachable('loading the banner', () => admin.loadBanner(), log);
    await whenReachable('subscribing to admin actions', () => bus.start((u) => admin.applyPeer(u)), log);

    const publisher: Publisher = new Publisher(
      io,
      () => counting.aggregator,
      () => counting.ingest!.status,
      {
        tickIntervalMs: config.tickIntervalMs,
        epoch: () => epoch.id,
        event: () => eventInfo(event),
        banner: () => admin.banner(),
        alarms: () => ({ list: alarms.list(), version: alarms.version }),
        live: () => counting.live,
      },
      now,
    );
    const audit = (action: string, old: unknown, next: unknown) => creds.audit('env:WARROOM_NEW_EPOCH', action, old, next);
    const counting: Counting = new Counting({
      config,
      event,
      redis,
      lease,
      alarms,
      epoch,
      publisher,
      startAlarms: garbage,
      audit,
      signal: life.signal,
      now,
      log,
    });
    const health = new HealthReport({ now, tickIntervalMs: config.tickIntervalMs, lease, alarms, publisher, counting });
    life.started('health', () => health.stop());
    const state = (): ApiState => apiState({ publisher, counting, lease, minorDigits: event.minorDigits });
    web.route({
      admin,
      state: () => (counting.live ? state() : null),
      drill: (dim, key) => (counting.live ? counting.aggregator.drill(dim, key) : null),
      health: () => health.report(),
    });

    life.started('lease', () => lease.release()); // after the last save: a standby takes over at once
    life.started('counting', () => counting.stop()); // the final save; the placeholder never saves
    const { leaseLost, takeOverFailed } = await countWhileOwner({ lease, redis: redis.lease, counting, log });
    const url = await web.listen(config.port, config.host);

    return {
      url,
      http: web.http,
      get aggregator(): Aggregator {
        return counting.aggregator;
      },
      get ingest(): Ingest {
        if (!counting.ingest) throw new Error(`no ingest: this process is ${lease.role}`);
        return counting.ingest;
      },
      lease,
      leaseLost,
      takeOverFailed,
      publisher,
      get checkpointer(): Checkpointer {
        return counting.checkpointer;
      },
      alarms,
      creds,
      admin,
      state,
      close: () => life.stop(),
    };
  } catch (e) {
    // e.g. a currency change against the saved state: nothing is counted, the start stops.
    await life.stop().catch(() => undefined);
    throw e;
  }
}
