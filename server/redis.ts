/** Redis connections: every one with an error listener, so an outage never becomes an unhandled error. */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './log';
import { STREAM_NAMES, type StreamName } from './streams';
import { shardKey } from '../shared/shard';

/** The key of every source stream (unsharded: shard 0 of 1, shared/shard.ts), and of the dead-letter stream. */
export type StreamKeys = Record<StreamName, string> & {
  dead: string;
  /** Hash: per source stream, the last entry ID already written to the dead-letter stream. */
  deadHighWater: string;
};

export function streamKeys(prefix: string): StreamKeys {
  const sources = Object.fromEntries(STREAM_NAMES.map((n) => [n, shardKey(prefix, n, 0, 1)])) as Record<StreamName, string>;
  return { ...sources, dead: `${prefix}dead`, deadHighWater: `${prefix}dead:hw` };
}

/**
 * Opens a connection. `blocking` connections fail commands at once while disconnected (no
 * offline queue), so the read loop sees an outage instead of a silently queued command.
 */
export function connectRedis(url: string, log: Logger, role: string, blocking = false): Redis {
  const opts: RedisOptions = {
    lazyConnect: false,
    enableOfflineQueue: !blocking,
    maxRetriesPerRequest: blocking ? 0 : null,
    retryStrategy: reconnectDelay,
    // With the pid: CLIENT LIST tells which process (e.g. which lease holder) a connection belongs to.
    connectionName: `warroom-${role}-${process.pid}`,
  };
  const r = new Redis(url, opts);
  warnOnErrors(r, log, `redis ${role}`);
  return r;
}

/** Reconnect back-off, single Redis and Cluster alike: 200 ms doubling to 2 s. */
export const reconnectDelay = (times: number): number => Math.min(100 * 2 ** Math.min(times, 5), 2000);

/**
 * The error listener every connection needs (without one, an outage is an unhandled error): warns
 * once per distinct message, not once per reconnect attempt, and again after the next `ready`.
 */
export function warnOnErrors(
  client: { on(event: 'error' | 'ready', f: (e: Error) => void): unknown },
  log: Pick<Logger, 'warn'>,
  label: string,
): void {
  let lastError = '';
  client.on('error', (e: Error) => {
    if (e.message !== lastError) log.warn(`${label}: ${e.message}`);
    lastError = e.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
}

/** Resolves once `conn` is ready; rejects after `ms` (the caller retries). */
export function whenReady(conn: Redis, ms: number): Promise<void> {
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

/** `p`, or a rejection after `ms` (a reply that never comes must not hang the caller). */
export function within<T>(p: Promise<T>, ms: number, what = `no reply within ${ms} ms`): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(what)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs `run` until Redis answers it, retrying with a log line (nothing can be counted without it);
 * an error `fatal` recognises is not an outage and is thrown at once. Once `signal` is aborted (the
 * process closes and its connections with it) a failure is thrown instead of retried for ever.
 */
export async function whenReachable<T>(
  what: string,
  run: () => Promise<T>,
  log: Pick<Logger, 'warn'>,
  fatal: (e: unknown) => boolean = () => false,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (e) {
      if (fatal(e) || signal?.aborted) throw e;
      if (attempt === 1 || attempt % 10 === 0) log.warn(`${what}: Redis not reachable yet (${(e as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, Math.min(1000, 100 * attempt)));
    }
  }
}

/** {@link whenReachable} for a call on `conn`: each attempt first waits (1 s at most) for the connection to be ready. */
export function whenReachableOn<T>(
  conn: Redis,
  what: string,
  run: () => Promise<T>,
  log: Pick<Logger, 'warn'>,
  fatal?: (e: unknown) => boolean,
  signal?: AbortSignal,
): Promise<T> {
  const attempt = async (): Promise<T> => {
    await whenReady(conn, 1000);
    return run();
  };
  return whenReachable(what, attempt, log, fatal, signal);
}
