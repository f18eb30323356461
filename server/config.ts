/** Runtime settings from the environment: the only reader of process.env. */

export interface ServerConfig {
  /** HTTP port. @default 8080 */
  port: number;
  /** Interface to listen on. @default "127.0.0.1" */
  host: string;
  /** @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /** Viewer token; generated (and printed once) when unset. */
  viewerToken: string;
  viewerTokenGenerated: boolean;
  /** Admin token; generated when unset (used by the admin plane). */
  adminToken: string;
  /** Path of the event definition file. @default "events/demo.json" */
  eventPath: string;
  /** Overrides the event file's T0 (ISO 8601 with offset, or "now+60s"). */
  t0Override: string | undefined;
  /** Prefix of every Redis key. @default "wr:" */
  keyPrefix: string;
  /** Tick cadence to clients. @default 100 (10 Hz) */
  tickIntervalMs: number;
  /** Block time of one XREAD. @default 1000 */
  readBlockMs: number;
  /** Entries per stream per XREAD. @default 1000 */
  readCount: number;
  /** An order or logistics id seen again within this much time counts once. @default 15 min */
  dedupeWindowMs: number;
  /** How often the aggregate is checkpointed to Redis with the stream cursors. @default 1000 */
  checkpointIntervalMs: number;
  /** How often the streams are checked for lost or trimmed history. @default 5000 */
  historyCheckMs: number;
  /** How long a weather alert without `until` stays active. @default 6 h */
  alertDefaultTtlMs: number;
  /** Directory with the built client. @default "dist/client" */
  clientDir: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const v = Number(raw);
  if (v < min || v > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

function token(env: Env, name: string, make: () => string): { value: string; generated: boolean } {
  const raw = env[name];
  if (raw === undefined || raw === '') return { value: make(), generated: true };
  if (raw.length < 16 || !/^[\x21-\x7e]+$/.test(raw)) {
    throw new ConfigError(`${name} must be at least 16 printable characters without spaces`);
  }
  return { value: raw, generated: false };
}

/** Reads and validates the environment; throws {@link ConfigError} naming the variable. */
export function loadConfig(env: Env, makeToken: () => string): ServerConfig {
  const prefix = env.WARROOM_KEY_PREFIX ?? 'wr:';
  if (!/^[A-Za-z0-9_.:{}-]{0,32}$/.test(prefix)) throw new ConfigError('WARROOM_KEY_PREFIX must be up to 32 of [A-Za-z0-9_.:{}-]');
  const redisUrl = env.REDIS_URL || 'redis://127.0.0.1:6379';
  if (!/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL must start with redis:// or rediss://`);
  const viewer = token(env, 'WARROOM_VIEWER_TOKEN', makeToken);
  const admin = token(env, 'WARROOM_ADMIN_TOKEN', makeToken);
  if (admin.value === viewer.value) throw new ConfigError('WARROOM_ADMIN_TOKEN must differ from WARROOM_VIEWER_TOKEN');
  return {
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    redisUrl,
    viewerToken: viewer.value,
    viewerTokenGenerated: viewer.generated,
    adminToken: admin.value,
    eventPath: env.WARROOM_EVENT || 'events/demo.json',
    t0Override: env.WARROOM_T0 || undefined,
    keyPrefix: prefix,
    tickIntervalMs: int(env, 'WARROOM_TICK_MS', 100, 20, 10_000),
    readBlockMs: int(env, 'WARROOM_READ_BLOCK_MS', 1000, 10, 60_000),
    readCount: int(env, 'WARROOM_READ_COUNT', 1000, 1, 100_000),
    dedupeWindowMs: int(env, 'WARROOM_DEDUPE_WINDOW_MS', 15 * 60_000, 1000, 24 * 3600_000),
    checkpointIntervalMs: int(env, 'WARROOM_CHECKPOINT_MS', 1000, 50, 600_000),
    historyCheckMs: int(env, 'WARROOM_HISTORY_CHECK_MS', 5000, 100, 600_000),
    alertDefaultTtlMs: int(env, 'WARROOM_ALERT_TTL_MS', 6 * 3600_000, 1000, 7 * 86400_000),
    clientDir: env.WARROOM_CLIENT_DIR || 'dist/client',
  };
}
