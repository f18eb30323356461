/** Starts a real warroom (in this process) against the test run's redis-server, isolated by key prefix. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { io, type Socket } from 'socket.io-client';
import { inject } from 'vitest';
import { startWarroom, type Warroom } from '../../server/app';
import { loadConfig } from '../../server/config';
import type { EventDefinition } from '../../server/event';
import { silentLogger } from '../../server/log';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/wire';

export const VIEWER_TOKEN = 'viewer-token-for-tests-0123456789';

export interface TestWarroom {
  app: Warroom;
  redis: Redis;
  prefix: string;
  close(): Promise<void>;
}

export function testEvent(patch: Partial<EventDefinition> = {}): EventDefinition {
  return {
    name: 'Test night',
    t0Ms: Date.now() - 10_000,
    timeZone: 'Asia/Shanghai',
    currency: 'CNY',
    minorDigits: 2,
    locale: 'zh-CN',
    targetMinor: 100_000_000n,
    milestonesMinor: [100_000n, 10_000_000n],
    map: 'china',
    flashSkus: [],
    lastYearMinor: null,
    lastYearCurve: [],
    ...patch,
  };
}

/** The test run's server configuration under the key prefix `prefix`, with `env` on top. */
export function testConfig(prefix: string, env: Record<string, string> = {}): ReturnType<typeof loadConfig> {
  return loadConfig(
    {
      PORT: '0',
      REDIS_URL: inject('redisUrl'),
      WARROOM_VIEWER_TOKEN: VIEWER_TOKEN,
      WARROOM_ADMIN_TOKEN: 'Kx9#qZ7!pL2@vN5$wR8^yB4&tM6*hJ3%',
      WARROOM_KEY_PREFIX: prefix,
      WARROOM_READ_BLOCK_MS: '200',
      ...env,
    },
    () => randomBytes(24).toString('hex'),
  );
}

/** `prefix`: the key prefix to use (another warroom's, to restart it); a fresh one by default. */
export async function startTestWarroom(
  env: Record<string, string> = {},
  event = testEvent(),
  prefix = `t${randomBytes(4).toString('hex')}:`,
): Promise<TestWarroom> {
  const config = testConfig(prefix, env);
  const app = await startWarroom(config, event, silentLogger);
  const redis = new Redis(inject('redisUrl'));
  return {
    app,
    redis,
    prefix,
    async close() {
      await app.close();
      redis.disconnect();
    },
  };
}

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectClient(url: string, token: string | null = VIEWER_TOKEN, extra: Record<string, unknown> = {}): TestSocket {
  return io(url, { transports: ['websocket'], auth: token ? { token } : {}, reconnection: false, forceNew: true, ...extra });
}

/** Resolves with the first value `probe` returns that is not undefined, polling until `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
