/**
 * Reading back what the admin plane kept in Redis (event overrides, the banner). It is our own
 * data, but anything can be written to a Redis key: garbage there must never block the start or
 * crash it. Each unreadable part is ignored and reported, so the caller raises a `config_garbage`
 * alarm (with a log line) and starts with the event file's values.
 */
import type { Redis } from 'ioredis';
import type { Banner } from '../shared/wire';
import { isRecord } from '../shared/dict';

/** Admin edits of the event file's values, as kept in Redis. */
export interface EventOverrides {
  t0Ms?: number;
  targetMinor?: string;
  milestonesMinor?: string[];
}

export const MAX_BANNER_CHARS = 200;

const MINOR = /^\d{1,40}$/;
/** 2000-01-01 .. 2100-01-01: anything else is not a T0 an admin set. */
const T0_MIN = 946_684_800_000;
const T0_MAX = 4_102_444_800_000;

/**
 * Reads a string key; a key of another type (a hash where a string belongs) is garbage, not an
 * outage: it must not be retried forever as if Redis were unreachable.
 */
export async function readStored(redis: Redis, key: string): Promise<{ raw: string | null; problem: string | null }> {
  try {
    return { raw: await redis.get(key), problem: null };
  } catch (e) {
    if (/WRONGTYPE/.test((e as Error).message)) return { raw: null, problem: `the key holds a ${await redis.type(key)}, not a string` };
    throw e;
  }
}

function parseJson(raw: string): { value: unknown; problem: string | null } {
  try {
    return { value: JSON.parse(raw), problem: null };
  } catch {
    return { value: undefined, problem: 'is not JSON' };
  }
}

/** The usable fields of stored event overrides, and what was wrong with the others. */
export function parseEventOverrides(raw: string): { value: EventOverrides; problems: string[] } {
  const { value: v, problem } = parseJson(raw);
  if (problem) return { value: {}, problems: [problem] };
  if (!isRecord(v)) return { value: {}, problems: ['is not a JSON object'] };
  const out: EventOverrides = {};
  const problems: string[] = [];
  if (v.t0Ms !== undefined) {
    if (typeof v.t0Ms === 'number' && Number.isSafeInteger(v.t0Ms) && v.t0Ms >= T0_MIN && v.t0Ms <= T0_MAX) out.t0Ms = v.t0Ms;
    else problems.push('t0Ms is not a time in ms since the epoch');
  }
  if (v.targetMinor !== undefined) {
    if (typeof v.targetMinor === 'string' && MINOR.test(v.targetMinor)) out.targetMinor = v.targetMinor;
    else problems.push('targetMinor is not an amount in minor units');
  }
  if (v.milestonesMinor !== undefined) {
    const ms = v.milestonesMinor;
    const ok =
      Array.isArray(ms) &&
      ms.length <= 100 &&
      ms.every((m) => typeof m === 'string' && MINOR.test(m)) &&
      ms.every((m, i) => i === 0 || BigInt(m as string) > BigInt(ms[i - 1] as string));
    if (ok) out.milestonesMinor = ms as string[];
    else problems.push('milestonesMinor is not an ascending list of amounts in minor units');
  }
  return { value: out, problems };
}

/** The stored banner, or why it is unusable. */
export function parseBanner(raw: string): { value: Banner | null; problem: string | null } {
  const { value: v, problem } = parseJson(raw);
  if (problem) return { value: null, problem };
  if (!isRecord(v)) return { value: null, problem: 'is not a JSON object' };
  if (typeof v.text !== 'string' || v.text.trim() === '' || [...v.text].length > MAX_BANNER_CHARS)
    return { value: null, problem: `text is not 1–${MAX_BANNER_CHARS} characters` };
  if (typeof v.untilMs !== 'number' || !Number.isFinite(v.untilMs)) return { value: null, problem: 'untilMs is not a time' };
  if (typeof v.by !== 'string' || v.by.length > 200) return { value: null, problem: 'by is not a name' };
  return { value: { text: v.text, untilMs: v.untilMs, by: v.by }, problem: null };
}
