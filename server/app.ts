/**
 * Composition of one warroom process: ingest → aggregate → publish, behind the HTTP server, with
 * checkpoints and history watch. `main.ts` reads the environment and calls {@link startWarroom};
 * tests call it directly. Only the holder of the prefix's ingest lease counts; another process on
 * the same prefix stands by (serves pages, admin and sockets, no figures) and takes over when the
 * holder stops renewing.
 */
import { createServer, type RequestListener, type Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { Aggregator } from './aggregate/aggregator';
import { Ingest } from './ingest/ingest';
import { defaultDecodeOptions } from './ingest/decode';
import { HistoryWatch, savedSource, startPositions } from './ingest/history-watch';
import { streamKinds } from './ingest/apply';
import { Publisher } from './publish/publisher';
import { createHttpHandler } from './http';
import { CredentialStore } from './security/credentials';
import { RateLimiter } from './security/limits';
import { peerResolver } from './security/peer';
import { LoginGuard } from './security/login-guard';
import { attachSockets } from './sockets';
import { AdminPlane } from './admin';
import { AdminBus } from './admin-bus';
import { Lease, type LeaseHolder } from './lease';
import { connectRedis, streamKeys, whenReachable, whenReady } from './redis';
import { Checkpointer, CheckpointError, checkpointKeys } from './checkpoint';
import { CheckpointWatch } from './checkpoint-watch';
import { HealthReport } from './health';
import { resume, StartRefused } from './resume';
import { eventInfo, type EventDefinition } from './event';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { AlarmBoard } from './alarms';
import { formatMinor } from '../shared/money';
import type { Detail, Snapshot } from '../shared/wire';

export interface Warroom {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  http: HttpServer;
  aggregator: Aggregator;
  /** The stream reader (throws on a standby, which reads nothing). */
  readonly ingest: Ingest;
  /** The ingest lease: `role` says whether this process counts. */
  lease: Lease;
  /** Settles if this process loses the lease to another (it has stopped counting then). */
  leaseLost: Promise<LeaseHolder | null>;
  /** Resolves when a standby's takeover failed (it released the lease and counts nothing): exit. */
  takeOverFailed: Promise<Error>;
  publisher: Publisher;
  checkpointer: Checkpointer;
  alarms: AlarmBoard;
  creds: CredentialStore;
  admin: AdminPlane;
  /** `GET /api/state` body (throws on a standby: it has no figures). */
  state(): ApiState;
  close(): Promise<void>;
}

/** `GET /api/state`: the snapshot plus the headline figures in plain form and the stream cursors. */
export type ApiState = Snapshot & {
  gmv: string;
  orders: number;
  rejected: number;
  cursors: Record<string, string>;
  /** Every tracked row of every breakdown (the snapshot's `detail` has the top rows only). */
  breakdowns: Detail;
};

export async function startWarroom(config: ServerConfig, event: EventDefinition, log: Logger, now: () => number = Date.now): Promise<Warroom> {
  const keys = streamKeys(config.keyPrefix);
  const redis = connectRedis(config.redisUrl, log, 'main');
  let epoch: string = randomUUID();
  /** Saves the alarm board at once; set once counting has started (before, a save would overwrite the checkpoint being loaded). */
  let persistAlarms = (): void => undefined;
  // A raised alarm starts a new epoch: every screen resyncs and shows it.
  const alarms = new AlarmBoard({
    now,
    log,
    onChange: (raised) => {
      if (raised) epoch = randomUUID();
      persistAlarms();
    },
  });
  // What an admin changed before a restart (T0, target, milestones) applies before counting starts;
  // garbage there is raised once the saved alarms are back.
  const garbage = await whenReachable('loading admin overrides', async () => {
    await whenReady(redis, 1000);
    return AdminPlane.loadOverrides(redis, config.keyPrefix, event);
  }, log);
  const creds = new CredentialStore(redis, {
    prefix: config.keyPrefix,
    viewerToken: config.viewerToken,
    adminToken: config.adminToken,
    sessionTtlMs: config.sessionTtlMs,
    now,
    log,
  });
  await whenReachable('loading credentials', () => creds.start(), log);
  if (config.bootstrapAdmin) {
    const { username, password } = config.bootstrapAdmin;
    const existing = creds.listAccounts().find((a) => a.username === username);
    if (!existing || existing.role !== 'admin' || existing.disabledAtMs !== null) {
      await creds.putAccount(username, password, 'admin', 'env:WARROOM_ADMIN_USER');
      await creds.audit('env:WARROOM_ADMIN_USER', 'account.bootstrap', existing ?? null, { username, role: 'admin' });
    }
  }
  // Checkpoints go over their own connection without an offline queue: during an outage a save
  // fails at once instead of queueing megabytes of stale state.
  const ckptRedis: Redis = connectRedis(config.redisUrl, log, 'checkpoint', true);
  let ingest: Ingest | undefined;
  const sourceKeys = [...streamKinds(keys).keys()];
  let start = startPositions(sourceKeys);
  let history: HistoryWatch | undefined;
  const positions = (): typeof start => (ingest ? ingest.positions() : start);
  const leaseRedis = connectRedis(config.redisUrl, log, 'lease', true);
  const lease = new Lease(leaseRedis, { prefix: config.keyPrefix, ttlMs: config.leaseMs, now, log });
  /** Counting, i.e. holding the lease with ingest running. */
  const counting = (): boolean => lease.role === 'owner' && ingest !== undefined;
  const keysCkpt = checkpointKeys(config.keyPrefix);
  // The checkpoint carries the alarm board and the currency its amounts are in.
  const meta = () => ({ alarms: alarms.state(), currency: { code: event.currency, minorDigits: event.minorDigits } });
  const makeAggregator = (): Aggregator =>
    new Aggregator({
      seriesStartMs: event.t0Ms - 5 * 60_000,
      milestonesMinor: event.milestonesMinor,
      alertDefaultTtlMs: config.alertDefaultTtlMs,
      dedupeWindowMs: config.dedupeWindowMs,
      flashSkus: event.flashSkus,
      lastYearMinor: event.lastYearMinor,
    });
  const makeCheckpointer = (agg: Aggregator): Checkpointer => new Checkpointer(ckptRedis, keysCkpt, agg, () => savedSource(positions(), history?.marker ?? null), () => epoch, now, log, lease.fence(), meta);
  // Replaced when this process takes over (restored from the checkpoint, or fresh for a recount).
  let aggregator = makeAggregator();
  let checkpointer = makeCheckpointer(aggregator);
  let watch: CheckpointWatch | undefined;

  let historyTimer: NodeJS.Timeout | undefined;
  /** Set by close(): a takeover still loading starts nothing. */
  let closing = false;
  let takeOverFailed: (e: Error) => void = () => undefined;
  const takeOverFailure = new Promise<Error>((resolve) => (takeOverFailed = resolve));
  /** Starts counting once the lease is ours: from the checkpoint as it stands now (the previous owner's last). */
  const takeOver = async (): Promise<void> => {
    const resumed = await resume({
      redis: ckptRedis,
      keys: keysCkpt,
      event,
      alarms,
      newEpoch: config.newEpoch,
      makeAggregator,
      makeCheckpointer,
      reachable: (what, run) =>
        whenReachable(
          what,
          async () => {
            await whenReady(ckptRedis, 1000);
            return run();
          },
          log,
          (e) => e instanceof CheckpointError, // corrupt, not unreachable: resume() sets it aside
        ),
      audit: (action, old, next) => creds.audit('env:WARROOM_NEW_EPOCH', action, old, next),
      now,
      log,
    });
    if (closing) return; // stopped while loading: start nothing
    aggregator = resumed.aggregator;
    checkpointer = resumed.checkpointer;
    if (resumed.epoch !== null) epoch = resumed.epoch;
    start = startPositions(sourceKeys, resumed.saved ?? undefined);
    for (const g of garbage) alarms.raise(g);
    /** Redis emptied, came back without what we counted, or trimmed what we had not read: alarm, new epoch. */
    const hw = new HistoryWatch({
      redis,
      keys: sourceKeys,
      markerKey: `${config.keyPrefix}marker`,
      expectMarker: resumed.saved?.marker ?? null,
      firstPhase: resumed.saved ? 'resume' : 'recount',
      readCount: config.readCount,
      probeSoon: () => ingest?.probeSoon(),
      setCounted: (key, cursor, n) => ingest?.setCounted(key, cursor, n),
      raise: (a) => void alarms.raise(a),
      onLost: () => aggregator.needFullSave(),
    });
    history = hw;
    await whenReachable('checking stream history', () => hw.checkBeforeReading(start), log);
    const watchHistory = (): Promise<void> => hw.check();
    const ing = new Ingest(
      aggregator,
      redis,
      () => connectRedis(config.redisUrl, log, 'reader', true),
      {
        keys,
        fence: lease.fence(),
        start,
        decode: { ...defaultDecodeOptions, minorDigits: event.minorDigits, maxEntryBytes: config.maxEntryBytes },
        maxFutureMs: config.maxFutureMs,
        // One alarm per kind and stream while it is on the board; ingest says when the cause persists.
        onAlarm: (a) => void (alarms.has(a.kind, a.stream) || alarms.raise(a)),
        blockMs: config.readBlockMs,
        count: config.readCount,
        onRecovered: () => void watchHistory().catch((e) => log.warn(`history check failed: ${(e as Error).message}`)),
        onProbe: (at, probes) => hw.judge(at, probes),
      },
      now,
      log,
    );
    historyTimer = setInterval(() => void watchHistory().catch(() => undefined), config.historyCheckMs);
    await ing.start();
    ingest = ing;
    publisher.start();
    checkpointer.start(config.checkpointIntervalMs);
    watch = new CheckpointWatch(checkpointer, alarms, now);
    watch.start();
    // From here on every alarm change is saved at once (twice: a save in flight was taken before
    // the change), so a crash right after an alarm cannot lose it. What was raised while starting
    // is saved before the server says it is up.
    // Deferred to the next turn: an alarm raised while a batch is being applied must not save the
    // aggregate ahead of the cursors, which move once the batch is done.
    persistAlarms = () => void setImmediate(() => void checkpointer.save().then(() => checkpointer.save()));
    if (alarms.list().length > 0) await checkpointer.save();
    if (lease.role !== 'owner') await stopCounting(); // lost while loading
  };
  /** Lease lost: nothing more is read, saved or sent (the writes are fenced anyway). */
  const stopCounting = async (): Promise<void> => {
    clearInterval(historyTimer);
    watch?.stop();
    publisher.stop();
    if (!ingest) return; // nothing counted yet: the placeholder checkpointer must never save
    await ingest.stop();
    await checkpointer.stop(); // its final save is refused when the lease is lost: no token
  };
  const leaseLost = new Promise<LeaseHolder | null>((resolve) =>
    lease.onLost((by) => void stopCounting().catch((e: Error) => log.error(`stopping after the lease was lost: ${e.message}`)).finally(() => resolve(by))),
  );


  // The HTTP routes listen first: Socket.IO, attached next, wraps that listener and answers
  // /socket.io/ alone (one owner per request). The routes need the admin plane, built below.
  let routes: RequestListener = (_req, res) => void res.writeHead(503).end();
  const http = createServer((req, res) => routes(req, res));
  const peer = peerResolver(config.trustProxy);
  const sockets = attachSockets(http, {
    creds,
    maxSocketsPerIp: config.maxSocketsPerIp,
    maxSocketsPerCredential: config.maxSocketsPerCredential,
    clientAddress: (req) => peer(req).address,
    now,
    log,
  });
  const { io, disconnect } = sockets;

  // Admin actions reach the screens of every node serving the prefix (standbys too) through Redis pub/sub.
  const adminSub = connectRedis(config.redisUrl, log, 'admin-bus');
  const bus = new AdminBus(redis, adminSub, config.keyPrefix, log);
  const admin = new AdminPlane({
    redis,
    prefix: config.keyPrefix,
    creds,
    aggregator: () => aggregator,
    alarms,
    event,
    now,
    screens: {
      event: (e) => io.emit('event', e),
      banner: (b) => io.emit('banner', b),
      reload: () => io.emit('reload'),
      disconnect,
    },
    peers: bus,
    counting,
    log,
  });
  await whenReachable('loading the banner', () => admin.loadBanner(), log);
  await whenReachable('subscribing to admin actions', () => bus.start((u) => admin.applyPeer(u)), log);

  const publisher = new Publisher(
    io,
    () => aggregator,
    () => ingest!.status,
    { tickIntervalMs: config.tickIntervalMs, epoch: () => epoch, event: () => eventInfo(event), banner: () => admin.banner(), alarms: () => ({ list: alarms.list(), version: alarms.version }), live: counting },
    now,
  );
  const health = new HealthReport({
    now,
    tickIntervalMs: config.tickIntervalMs,
    lease,
    alarms,
    publisher,
    parts: () => ({ ingest, counting: counting(), checkpointer, aggregator }),
  });
  const state = (): ApiState => {
    if (!ingest || !counting()) throw new Error(`no figures: this process is ${lease.role === 'owner' ? 'taking over' : lease.role}`);
    const s = publisher.snapshot();
    return { ...s, gmv: formatMinor(s.totals.gmvMinor, event.minorDigits), orders: s.totals.orders, rejected: s.totals.rejected, cursors: ingest.cursors(), breakdowns: aggregator.detail(Infinity) };
  };
  routes = createHttpHandler({
      clientDir: config.clientDir,
      creds,
      admin,
      state: () => (counting() ? state() : null),
      drill: (dim, key) => (counting() ? aggregator.drill(dim, key) : null),
      corsOrigins: config.corsOrigins,
      sessionTtlMs: config.sessionTtlMs,
      limits: {
        perIp: new RateLimiter(100, 400, now),
        perCredential: new RateLimiter(50, 200, now),
        // An office NAT signs in together; a scanner is refused before its body is read.
        loginPerIp: new RateLimiter(0.5, 20, now),
      },
      loginGuard: new LoginGuard({ now }),
      peer,
      log,
      health: () => health.report(),
    });

  const acquired = await whenReachable('taking the ingest lease', async () => {
    await whenReady(leaseRedis, 1000);
    return lease.tryAcquire();
  }, log);
  if (acquired) {
    try {
      await takeOver();
    } catch (e) {
      // e.g. a currency change against the saved state: nothing is counted, the start stops.
      await stopCounting().catch(() => undefined);
      health.stop();
      await lease.release().catch(() => undefined);
      creds.stop();
      bus.stop();
      sockets.close();
      redis.disconnect();
      ckptRedis.disconnect();
      leaseRedis.disconnect();
      throw e;
    }
  } else {
    lease.standBy(() =>
      takeOver().catch(async (e: unknown) => {
        // A failed takeover must not hold the lease while counting nothing: let another process have it.
        log.error(`taking over failed: ${(e as Error).stack ?? e}`);
        await stopCounting().catch(() => undefined);
        await lease.release().catch(() => undefined);
        takeOverFailed(e as Error);
      }),
    );
  }
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const addr = http.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    http,
    get aggregator(): Aggregator {
      return aggregator;
    },
    get ingest(): Ingest {
      if (!ingest) throw new Error(`no ingest: this process is ${lease.role}`);
      return ingest;
    },
    lease,
    leaseLost,
    publisher,
    get checkpointer(): Checkpointer {
      return checkpointer;
    },
    alarms,
    creds,
    admin,
    state,
    takeOverFailed: takeOverFailure,
    async close() {
      closing = true;
      watch?.stop();
      health.stop();
      creds.stop();
      clearInterval(historyTimer);
      publisher.stop();
      sockets.close();
      bus.stop();
      // Only a checkpointer that took over saves: the placeholder's save would overwrite the checkpoint.
      if (ingest) {
        await ingest.stop();
        await checkpointer.stop();
      }
      await lease.release(); // after the last save: a standby takes over at once
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      redis.disconnect();
      ckptRedis.disconnect();
      leaseRedis.disconnect();
    },
  };
}
