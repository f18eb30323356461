/**
 * A careful read, for when a plain XREAD fails. XREAD returns every entry whole: one of 512 MB is
 * more than ioredis (or a V8 string, or an output-buffer limit, or the read watchdog) can take, and
 * the same read would fail forever. Here a Lua script walks the entries after the cursor one at a
 * time inside Redis, measures each (bytes of field names and values), and returns the ones that fit
 * whole, up to a byte budget; an entry larger than the limit comes back as its ID, its size and the
 * first bytes of each field with their lengths, so it can be dead-lettered by ID and stepped over.
 */
import type { Redis } from 'ioredis';

/** KEYS: stream. ARGV: cursor (exclusive), max entries, max entry bytes, budget bytes, bytes kept per field, fields kept. */
const SCRIPT = `
local key, cur = KEYS[1], '(' .. ARGV[1]
local maxn, limit, budget = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local keep, keepItems = tonumber(ARGV[5]), tonumber(ARGV[6])
local out, total = {}, 0
for _ = 1, maxn do
  local e = redis.call('XRANGE', key, cur, '+', 'COUNT', 1)[1]
  if e == nil then break end
  local f, size = e[2], 0
  for i = 1, #f do size = size + #f[i] end
  if size > limit then
    local cut, lens = {}, {}
    for i = 1, math.min(#f, keepItems) do
      cut[i] = string.sub(f[i], 1, keep)
      lens[i] = #f[i]
    end
    out[#out + 1] = { e[1], cut, lens, size, #f }
    return out
  end
  if #out > 0 and total + size > budget then break end
  total = total + size
  out[#out + 1] = { e[1], f }
  cur = '(' .. e[1]
end
return out`;

export interface TooLarge {
  /** Bytes of the whole entry. */
  bytes: number;
  /** Byte length of each field item kept (before it was cut). */
  lengths: number[];
  /** Field items the entry has (only the first ones are kept). */
  items: number;
}

/** One entry of a careful read: whole, or (too large) cut with its sizes. */
export interface CarefulEntry {
  id: string;
  fields: string[];
  tooLarge?: TooLarge;
}

export interface CarefulOptions {
  /** Entries returned at most. */
  count: number;
  /** An entry above this many bytes is returned cut (see {@link TooLarge}). */
  maxEntryBytes: number;
  /** Bytes of whole entries returned at most (at least one entry is returned). */
  budgetBytes: number;
  /** Bytes kept of each field of an entry too large. */
  keepBytes: number;
  /** Field items kept of an entry too large. */
  keepItems: number;
}

type CarefulRedis = Redis & { warroomCarefulRead(key: string, ...args: (string | number)[]): Promise<unknown> };

export function defineCarefulRead(redis: Redis): void {
  redis.defineCommand('warroomCarefulRead', { numberOfKeys: 1, lua: SCRIPT });
}

/**
 * Reads the entries of `key` after `cursor` as described above; stops after an entry too large
 * (its ID is the new cursor). `redis` must have had {@link defineCarefulRead} called on it.
 */
export async function readCarefully(redis: Redis, key: string, cursor: string, o: CarefulOptions): Promise<CarefulEntry[]> {
  const reply = await (redis as CarefulRedis).warroomCarefulRead(
    key,
    cursor,
    o.count,
    o.maxEntryBytes,
    o.budgetBytes,
    o.keepBytes,
    o.keepItems,
  );
  if (!Array.isArray(reply)) return [];
  return reply.map((e: unknown[]): CarefulEntry => {
    const id = String(e[0]);
    const fields = Array.isArray(e[1]) ? e[1].map(String) : [];
    if (e.length < 5) return { id, fields };
    const lengths = Array.isArray(e[2]) ? e[2].map(Number) : [];
    return { id, fields, tooLarge: { bytes: Number(e[3]), lengths, items: Number(e[4]) } };
  });
}
