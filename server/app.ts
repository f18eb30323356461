/**
 * Composition of one warroom process: ingest → aggregate → publish, behind the HTTP server.
 * `main.ts` reads the environment and calls {@link startWarroom}; tests call it directly.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { Aggregator } from './aggregate/aggregator';
import { Ingest } from './ingest/ingest';
import { defaultDecodeOptions } from './ingest/decode';
import { Publisher } from './publish/publisher';
import { createHttpHandler } from './http';
import { cookieValue, TOKEN_COOKIE, tokenMatches } from './auth';
import { connectRedis, streamKeys } from './redis';
import { eventInfo, type EventDefinition } from './event';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import { formatMinor } from '../shared/money';
import type { ClientToServerEvents, HandshakeAuth, ServerToClientEvents, Snapshot } from '../shared/wire';

export interface Warroom {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  http: HttpServer;
  aggregator: Aggregator;
  ingest: Ingest;
  publisher: Publisher;
  /** `GET /api/state` body. */
  state(): ApiState;
  close(): Promise<void>;
}

/** `GET /api/state`: the snapshot plus the headline figures in plain form. */
export type ApiState = Snapshot & { gmv: string; orders: number; rejected: number };

export async function startWarroom(config: ServerConfig, event: EventDefinition, log: Logger, now: () => number = Date.now): Promise<Warroom> {
  const keys = streamKeys(config.keyPrefix);
  const redis = connectRedis(config.redisUrl, log, 'main');
  const aggregator = new Aggregator({
    seriesStartMs: event.t0Ms - 5 * 60_000,
    milestonesMinor: event.milestonesMinor,
    alertDefaultTtlMs: config.alertDefaultTtlMs,
    dedupeWindowMs: config.dedupeWindowMs,
  });
  const ingest = new Ingest(
    aggregator,
    redis,
    () => connectRedis(config.redisUrl, log, 'reader', true),
    { keys, decode: { ...defaultDecodeOptions, minorDigits: event.minorDigits }, blockMs: config.readBlockMs, count: config.readCount },
    now,
    log,
  );

  const http = createServer();
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    serveClient: false,
    perMessageDeflate: false,
    maxHttpBufferSize: 16 * 1024,
    // CORS does not protect WebSockets: only pages of this origin may open a socket.
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      cb(null, origin === undefined || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`);
    },
  });
  io.use((socket, next) => {
    const auth = socket.handshake.auth as HandshakeAuth | undefined;
    const presented = typeof auth?.token === 'string' ? auth.token : cookieValue(socket.handshake.headers.cookie, TOKEN_COOKIE);
    next(tokenMatches(presented, config.viewerToken) ? undefined : new Error('unauthorized'));
  });

  const publisher = new Publisher(io, aggregator, () => ingest.status, { tickIntervalMs: config.tickIntervalMs, epoch: randomUUID(), event: eventInfo(event) }, now);
  const state = (): ApiState => {
    const s = publisher.snapshot();
    return { ...s, gmv: formatMinor(s.totals.gmvMinor, event.minorDigits), orders: s.totals.orders, rejected: s.totals.rejected };
  };
  http.on(
    'request',
    createHttpHandler({
      clientDir: config.clientDir,
      viewerToken: config.viewerToken,
      state,
      health: () => {
        const src = ingest.status;
        const t = now();
        const lastTickAgeMs = publisher.lastTickMs === null ? null : t - publisher.lastTickMs;
        const ok = src.redis === 'up' && lastTickAgeMs !== null && lastTickAgeMs < 5 * config.tickIntervalMs + 1000;
        return { ok, redis: src.redis, staleSinceMs: src.staleSinceMs, lagMs: src.lagMs, lastTickAgeMs, serverNowMs: t, dedupe: aggregator.dedupeStatus() };
      },
    }),
  );

  await ingest.start();
  publisher.start();
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
    state,
    async close() {
      publisher.stop();
      io.close();
      await ingest.stop();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      redis.disconnect();
    },
  };
}
