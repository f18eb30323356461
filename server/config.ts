/** Runtime settings from the environment: the only reader of process.env. */

export interface ServerConfig {
  /** HTTP port. @default 8080 */
  port: number;
  /** Interface to listen on. @default "127.0.0.1" */
  host: string;
  /** @default "redis://127.0.0.1:6379" */
  redisUrl: string;
  /**
   * `REDIS_CLUSTER=host:port,...`: seed nodes of a Redis Cluster (any of its masters; the client
   * learns the rest). Nothing serves it yet: a process given it refuses to start (redis-cluster.ts).
   * @default null (single Redis at `redisUrl`)
   */
  redisCluster: string[] | null;
  /** Viewer token; generated (and printed once) when unset. */
  viewerToken: string;
  viewerTokenGenerated: boolean;
  /** Break-glass admin token; generated (and printed once) when unset; a weak one stops the start. */
  adminToken: string;
  adminTokenGenerated: boolean;
  /** An admin account created or updated at start (both set or neither). */
  bootstrapAdmin: { username: string; password: string } | null;
  /** Origins allowed to read the JSON API from a browser (CORS); none by default. */
  corsOrigins: string[];
  /** Lifetime of an executive's session. @default 12 h */
  sessionTtlMs: number;
  /** Addresses of reverse proxies whose `X-Forwarded-For` names the client; none by default. */
  trustProxy: string[];
  /** Live sockets per client IP at most. @default 200 */
  maxSocketsPerIp: number;
  /** Live sockets per credential at most (one viewer token may drive a room of screens). @default 500 */
  maxSocketsPerCredential: number;
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
  /** An entry ID further ahead of the server clock than this is a future ID (`id_in_future`). @default 5 min */
  maxFutureMs: number;
  /** Largest stream entry applied, in bytes; a larger one is dead-lettered (`entry_too_large`) and stepped over. @default 8 MiB */
  maxEntryBytes: number;
  /** How often the aggregate is checkpointed to Redis with the stream cursors. @default 1000 */
  checkpointIntervalMs: number;
  /** Lifetime of the ingest lease without renewal: a standby takes over about this long after the owner dies or stalls. @default 3000 */
  leaseMs: number;
  /** How often the streams are checked for lost or trimmed history. @default 5000 */
  historyCheckMs: number;
  /** How long a weather alert without `until` stays active. @default 6 h */
  alertDefaultTtlMs: number;
  /** Directory with the built client. @default "dist/client" */
  clientDir: string;
  /**
   * `WARROOM_NEW_EPOCH=1`: when the saved state is in another currency than the event file, set it
   * aside and recount instead of refusing to start. No effect otherwise. @default false
   */
  newEpoch: boolean;
}

import { isIP } from 'node:net';
import { passwordProblem, tokenProblem } from './security/password';
import { USERNAME } from './security/credentials';

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

/** `host:port` with a host name, an IPv4 address or a bracketed IPv6 address. */
const NODE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

function clusterNodes(env: Env): string[] | null {
  const raw = env.REDIS_CLUSTER;
  if (raw === undefined || raw.trim() === '') return null;
  // Both given: which one is meant cannot be guessed, and ignoring either would be silent.
  if (env.REDIS_URL) throw new ConfigError('REDIS_CLUSTER and REDIS_URL are both set: set one of them');
  const nodes = raw.split(',').map((n) => n.trim());
  for (const n of nodes) {
    if (n === '') throw new ConfigError('REDIS_CLUSTER has an empty entry: write host:port,host:port');
    const port = NODE.exec(n)?.[1];
    if (port === undefined) throw new ConfigError(`REDIS_CLUSTER: ${JSON.stringify(n)} is not host:port like 10.0.0.5:6379`);
    if (Number(port) < 1 || Number(port) > 65535)
      throw new ConfigError(`REDIS_CLUSTER: ${JSON.stringify(n)} has no port between 1 and 65535`);
  }
  if (new Set(nodes).size !== nodes.length) throw new ConfigError('REDIS_CLUSTER names a node twice');
  return nodes;
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
  // The admin credential controls every screen: refuse to start with a weak one.
  const adminProblem = admin.generated ? null : tokenProblem(admin.value, 32);
  if (adminProblem) throw new ConfigError(`WARROOM_ADMIN_TOKEN ${adminProblem}`);
  const adminUser = env.WARROOM_ADMIN_USER || undefined;
  const adminPassword = env.WARROOM_ADMIN_PASSWORD || undefined;
  if ((adminUser === undefined) !== (adminPassword === undefined))
    throw new ConfigError('WARROOM_ADMIN_USER and WARROOM_ADMIN_PASSWORD must be set together');
  if (adminUser !== undefined && !USERNAME.test(adminUser))
    throw new ConfigError('WARROOM_ADMIN_USER must be 3–32 of a-z 0-9 . _ - (lower case)');
  const pwProblem = adminPassword === undefined ? null : passwordProblem(adminPassword, adminUser);
  if (pwProblem) throw new ConfigError(`WARROOM_ADMIN_PASSWORD ${pwProblem}`);
  const corsOrigins = (env.WARROOM_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  for (const o of corsOrigins) {
    if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o))
      throw new ConfigError(`WARROOM_CORS_ORIGINS: ${JSON.stringify(o)} is not an origin like https://ops.example.com`);
  }
  const newEpoch = env.WARROOM_NEW_EPOCH ?? '';
  if (!['', '0', '1'].includes(newEpoch)) throw new ConfigError(`WARROOM_NEW_EPOCH must be 1 (or unset), got ${JSON.stringify(newEpoch)}`);
  const trustProxy = (env.WARROOM_TRUST_PROXY ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const a of trustProxy) {
    if (isIP(a) === 0) throw new ConfigError(`WARROOM_TRUST_PROXY: ${JSON.stringify(a)} is not an IP address like 10.0.0.2`);
  }
  return {
    newEpoch: newEpoch === '1',
    adminTokenGenerated: admin.generated,
    bootstrapAdmin: adminUser && adminPassword ? { username: adminUser, password: adminPassword } : null,
    corsOrigins,
    trustProxy,
    sessionTtlMs: int(env, 'WARROOM_SESSION_HOURS', 12, 1, 720) * 3600_000,
    maxSocketsPerIp: int(env, 'WARROOM_MAX_SOCKETS_PER_IP', 200, 1, 100_000),
    maxSocketsPerCredential: int(env, 'WARROOM_MAX_SOCKETS_PER_CREDENTIAL', 500, 1, 100_000),
    port: int(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    redisUrl,
    redisCluster: clusterNodes(env),
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
    maxFutureMs: int(env, 'WARROOM_MAX_FUTURE_MS', 5 * 60_000, 1000, 24 * 3600_000),
    maxEntryBytes: int(env, 'WARROOM_MAX_ENTRY_BYTES', 8 << 20, 64 << 10, 512 << 20),
    checkpointIntervalMs: int(env, 'WARROOM_CHECKPOINT_MS', 1000, 50, 600_000),
    leaseMs: int(env, 'WARROOM_LEASE_MS', 3000, 300, 60_000),
    historyCheckMs: int(env, 'WARROOM_HISTORY_CHECK_MS', 5000, 100, 600_000),
    alertDefaultTtlMs: int(env, 'WARROOM_ALERT_TTL_MS', 6 * 3600_000, 1000, 7 * 86400_000),
    clientDir: env.WARROOM_CLIENT_DIR || 'dist/client',
  };
}
