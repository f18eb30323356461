/**
 * Lost and trimmed history: compares each stream in Redis with the cursor warroom stands on.
 * A stream that is missing or whose last ID lies behind the cursor means Redis came back without
 * entries already counted; a deleted entry ID beyond the cursor means entries were trimmed before
 * they were read. Either is raised as an alarm, never passed over as a silent under-count.
 */
import type { Redis } from 'ioredis';
import type { RaiseAlarm } from '../alarms';
import { compareEntryIds } from '../redis';

/** Reads XINFO STREAM as a field map; null when the stream does not exist. */
async function streamInfo(redis: Redis, key: string): Promise<Record<string, unknown> | null> {
  try {
    const flat = (await redis.call('XINFO', 'STREAM', key)) as unknown[];
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1];
    return out;
  } catch (e) {
    if (/no such key/i.test((e as Error).message)) return null;
    throw e;
  }
}

/**
 * Checks every stream against its cursor and returns what is wrong (empty when all is well).
 * `0` cursors (nothing read yet) are always fine.
 */
export async function checkHistory(redis: Redis, cursors: Record<string, string>): Promise<RaiseAlarm[]> {
  const alarms: RaiseAlarm[] = [];
  for (const [stream, cursor] of Object.entries(cursors)) {
    if (cursor === '0') continue;
    const info = await streamInfo(redis, stream);
    if (info === null) {
      alarms.push({ kind: 'history_lost', stream, detail: `the stream is gone; warroom had read it up to ${cursor}` });
      continue;
    }
    const last = String(info['last-generated-id'] ?? '0-0');
    if (compareEntryIds(last, cursor) < 0) {
      alarms.push({ kind: 'history_lost', stream, detail: `the stream ends at ${last} but warroom had read it up to ${cursor}` });
      continue;
    }
    const deleted = String(info['max-deleted-entry-id'] ?? '0-0');
    if (compareEntryIds(deleted, cursor) > 0) {
      alarms.push({ kind: 'history_trimmed', stream, detail: `entries up to ${deleted} were deleted or trimmed before warroom read past ${cursor}` });
    }
  }
  return alarms;
}
