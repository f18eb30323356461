/**
 * Composition of one warroom process: ingest → aggregate → publish, behind the HTTP server, with
 * checkpoints and history watch. `main.ts` reads the environment and calls {@link startWarroom};
 * tests call it directly.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { Aggregator } from './aggregate/aggregator';
import { Ingest } from './ingest/ingest';
import { defaultDecodeOptions } from './ingest/decode';
import { checkHistory } from './ingest/history';
import { Publisher } from './publish/publisher';
import { createHttpHandler } from './http';
import { resolvePrincipal } from './auth';
import { CredentialStore, type Principal } from './security/credentials';
import { ConnectionCounter, RateLimiter } from './security/limits';
import { AdminPlane } from './admin';
import { connectRedis, streamKeys } from './redis';
import { Checkpointer, CheckpointError, checkpointKeys } from './checkpoint';
import { eventInfo, type EventDefinition } from './event';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { AlarmBoard } from './alarms';
import { formatMinor } from '../shared/money';
import type { ClientToServerEvents, Detail, HandshakeAuth, ServerToClientEvents, Snapshot } from '../shared/wire';

export interface Warroom {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  http: HttpServer;
  aggregator: Aggregator;
  ingest: Ingest;
  publisher: Publisher;
  checkpointer: Checkpointer;
  creds: CredentialStore;
  admin: AdminPlane;
  /** `GET /api/state` body. */
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

/** Waits for Redis to answer a command, retrying with a log line: nothing can be counted without it. */
async function whenReachable<T>(what: string, run: () => Promise<T>, log: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      if (attempt === 1 || attempt % 10 === 0) log.warn(`${what}: Redis not reachable yet (${(e as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
    }
  }
}

/** Resolves once `conn` is ready, or rejects after `ms` (the caller retries). */
function whenReady(conn: Redis, ms: number): Promise<void> {
  if (conn.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      conn.off('ready', done);
      reject(new Error('not connected'));
    }, ms);
    conn.once('ready', done);
  });
}

export async function startWarroom(config: ServerConfig, event: EventDefinition, log: Logger, now: () => number = Date.now): Promise<Warroom> {
  const keys = streamKeys(config.keyPrefix);
  const redis = connectRedis(config.redisUrl, log, 'main');
  // What an admin changed before a restart (T0, target, milestones) applies before counting starts.
  await whenReachable('loading admin overrides', async () => {
    await whenReady(redis, 1000);
    await AdminPlane.loadOverrides(redis, config.keyPrefix, event);
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
  const aggregator = new Aggregator({
    seriesStartMs: event.t0Ms - 5 * 60_000,
    milestonesMinor: event.milestonesMinor,
    alertDefaultTtlMs: config.alertDefaultTtlMs,
    dedupeWindowMs: config.dedupeWindowMs,
    flashSkus: event.flashSkus,
    lastYearMinor: event.lastYearMinor,
  });
  let epoch: string = randomUUID();
  let cursors: Record<string, string> = {};
  // A raised alarm starts a new epoch: every screen resyncs and shows it.
  const alarms = new AlarmBoard({ now, log, onChange: (raised) => raised && (epoch = randomUUID()) });
  let ingest: Ingest | undefined;
  const currentCursors = (): Record<string, string> => (ingest ? ingest.cursors() : cursors);

  const checkpointer = new Checkpointer(ckptRedis, checkpointKeys(config.keyPrefix), aggregator, currentCursors, () => epoch, now, log);
  let loaded = null;
  try {
    loaded = await whenReachable('loading the checkpoint', async () => {
      await whenReady(ckptRedis, 1000);
      return checkpointer.load();
    }, log);
  } catch (e) {
    // A corrupt checkpoint: start over from the retained streams (exact while they are retained) and say so.
    log.error(`checkpoint unusable, recounting from the streams: ${(e as Error).message}`);
  }
  if (loaded) {
    aggregator.restore(loaded.saved.aggregate, loaded.seriesChunks, loaded.blobs);
    epoch = loaded.saved.epoch;
    cursors = loaded.saved.cursors;
    log.info(`resumed from checkpoint of ${new Date(loaded.saved.savedAtMs).toISOString()}: ${loaded.saved.aggregate.orders} orders`);
  }

  /** Redis came back without what we counted, or trimmed what we had not read: alarm, new epoch. */
  let checking = false;
  const watchHistory = async (): Promise<void> => {
    if (checking) return; // one check at a time, also while Redis hangs (SIGSTOP)
    checking = true;
    let found;
    try {
      found = await checkHistory(redis, currentCursors());
    } finally {
      checking = false;
    }
    const fresh = found.map((a) => alarms.raise(a)).filter((a) => a !== null);
    // What the checkpoint kept beside its JSON may be gone with the data: save it all again.
    if (fresh.some((a) => a.kind === 'history_lost')) aggregator.needFullSave();
  };
  await whenReachable('checking stream history', watchHistory, log);

  ingest = new Ingest(
    aggregator,
    redis,
    () => connectRedis(config.redisUrl, log, 'reader', true),
    {
      keys,
      cursors,
      decode: { ...defaultDecodeOptions, minorDigits: event.minorDigits, maxEntryBytes: config.maxEntryBytes },
      maxFutureMs: config.maxFutureMs,
      // One alarm per kind and stream while it is on the board; ingest says when the cause persists.
      onAlarm: (a) => void (alarms.has(a.kind, a.stream) || alarms.raise(a)),
      blockMs: config.readBlockMs,
      count: config.readCount,
      onRecovered: () => void watchHistory().catch((e) => log.warn(`history check failed: ${(e as Error).message}`)),
    },
    now,
    log,
  );
  const ing = ingest;
  const historyTimer = setInterval(() => void watchHistory().catch(() => undefined), config.historyCheckMs);

  // Event-loop delay: a stalled loop delays ingest and ticks alike, so health reports it.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();

  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { principal: Principal; ip: string }>(http, {
    serveClient: false,
    perMessageDeflate: false,
    // Viewers send almost nothing (resync, time probes): a small buffer refuses oversized payloads.
    maxHttpBufferSize: 4 * 1024,
    // CORS does not protect WebSockets: only pages of this origin may open a socket.
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      cb(null, origin === undefined || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`);
    },
  });
  const socketsPerIp = new ConnectionCounter(config.maxSocketsPerIp);
  const socketsPerCred = new ConnectionCounter(config.maxSocketsPerCredential);
  io.use((socket, next) => {
    const auth = socket.handshake.auth as HandshakeAuth | undefined;
    resolvePrincipal(creds, undefined, socket.handshake.headers.cookie, auth?.token)
      .then(({ principal }) => {
        if (!principal) return next(new Error('unauthorized'));
        const ip = socket.handshake.address;
        if (!socketsPerIp.tryOpen(ip)) return next(new Error('too many connections from this address'));
        if (!socketsPerCred.tryOpen(principal.cred)) {
          socketsPerIp.close(ip);
          return next(new Error('too many connections for this credential'));
        }
        socket.data.principal = principal;
        socket.data.ip = ip;
        socket.once('disconnect', () => {
          socketsPerIp.close(ip);
          socketsPerCred.close(principal.cred);
        });
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });
  // Every packet a client sends counts against a small budget (resync and clock probes only).
  io.on('connection', (socket) => {
    const budget = new RateLimiter(5, 20, now, 1);
    socket.use((_packet, next) => (budget.take('s') ? next() : next(new Error('rate limited'))));
    socket.on('error', () => undefined);
  });
  /** Closes the sockets whose credential matches; returns how many. */
  const disconnect = (match: (p: Principal) => boolean): number => {
    let n = 0;
    for (const s of io.of('/').sockets.values()) {
      if (match(s.data.principal)) {
        s.disconnect(true);
        n++;
      }
    }
    return n;
  };
  // Revoked tokens, disabled accounts and ended sessions lose their live sockets within seconds,
  // also when the revocation happened on another node (the store refreshes from Redis).
  const revalidate = setInterval(() => {
    for (const s of io.of('/').sockets.values()) {
      const p = s.data.principal;
      creds.stillValid(p).then((ok) => ok || s.disconnect(true), () => undefined);
    }
  }, 10_000);
  revalidate.unref();

  const admin = new AdminPlane({
    redis,
    prefix: config.keyPrefix,
    creds,
    aggregator,
    event,
    now,
    screens: {
      event: (e) => io.emit('event', e),
      banner: (b) => io.emit('banner', b),
      reload: () => io.emit('reload'),
      disconnect,
    },
  });
  await whenReachable('loading the banner', () => admin.loadBanner(), log);

  const publisher = new Publisher(
    io,
    aggregator,
    () => ing.status,
    { tickIntervalMs: config.tickIntervalMs, epoch: () => epoch, event: () => eventInfo(event), banner: () => admin.banner(), alarms: () => ({ list: alarms.list(), version: alarms.version }) },
    now,
  );
  const state = (): ApiState => {
    const s = publisher.snapshot();
    return { ...s, gmv: formatMinor(s.totals.gmvMinor, event.minorDigits), orders: s.totals.orders, rejected: s.totals.rejected, cursors: ing.cursors(), breakdowns: aggregator.detail(Infinity) };
  };
  http.on(
    'request',
    createHttpHandler({
      clientDir: config.clientDir,
      creds,
      admin,
      state,
      drill: (dim, key) => aggregator.drill(dim, key),
      corsOrigins: config.corsOrigins,
      sessionTtlMs: config.sessionTtlMs,
      limits: {
        perIp: new RateLimiter(100, 400, now),
        perCredential: new RateLimiter(50, 200, now),
        loginPerIp: new RateLimiter(1, 60, now),
        loginPerUser: new RateLimiter(5 / 60, 5, now),
      },
      log,
      health: () => {
        const src = ing.status;
        const t = now();
        const lastTickAgeMs = publisher.lastTickMs === null ? null : t - publisher.lastTickMs;
        const ok = src.redis === 'up' && lastTickAgeMs !== null && lastTickAgeMs < 5 * config.tickIntervalMs + 1000 && alarms.active().length === 0;
        return {
          ok,
          redis: src.redis,
          staleSinceMs: src.staleSinceMs,
          lagMs: src.lagMs,
          lastTickAgeMs,
          serverNowMs: t,
          checkpoint: {
            lastSavedMs: checkpointer.lastSavedMs,
            lastSaveDurationMs: checkpointer.lastSaveDurationMs,
            maxSaveDurationMs: checkpointer.maxSaveDurationMs,
            lastSaveBytes: checkpointer.lastSaveBytes,
            saves: checkpointer.saves,
            failures: checkpointer.failures,
          },
          alarms: alarms.active().map((a) => ({ kind: a.kind, stream: a.stream, atMs: a.atMs })),
          dedupe: aggregator.dedupeStatus(),
          eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
        };
      },
    }),
  );

  await ingest.start();
  publisher.start();
  checkpointer.start(config.checkpointIntervalMs);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const addr = http.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    http,
    aggregator,
    ingest,
    publisher,
    checkpointer,
    creds,
    admin,
    state,
    async close() {
      loopDelay.disable();
      clearInterval(revalidate);
      creds.stop();
      clearInterval(historyTimer);
      publisher.stop();
      io.close();
      await ing.stop();
      await checkpointer.stop();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      redis.disconnect();
      ckptRedis.disconnect();
    },
  };
}
