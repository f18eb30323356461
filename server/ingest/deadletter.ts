/**
 * Writes rejected entries to the dead-letter stream with their reason and original fields.
 * A flush is one Lua script call per up to 1,000 letters (one command to encode and send, not one
 * per letter: poison costs about what a valid entry costs) that also records, per source stream,
 * the last entry dead-lettered, atomically, so re-reading history after a restart does not write
 * the same rejection twice. The script first checks the fencing token (fence.ts): a process that
 * lost its lease writes no letter, the new owner writes them.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import type { StreamKeys } from '../redis';
import type { Rejection } from './decode';
import { fenceCheck, type Fence } from '../fence';
import { compareEntryIds, parseEntryId, type EntryPos } from '../entry-id';

export interface DeadLetter {
  stream: string;
  entryId: string;
  rejection: Rejection;
  /** Original fields (for a batch item: just that item, as JSON), possibly cut already (see `lengths`). */
  fields: string[];
  /** Byte lengths of `fields` before they were cut, when they were cut before reaching here (an entry too large to read). */
  lengths?: number[];
  /** Field items of the original when `fields` holds only the first of them. */
  items?: number;
}

/** Entries kept in the dead-letter stream at most (approximate trim). @default 1,000,000 */
export const DEAD_MAXLEN = 1_000_000;
/** Original field/value items kept per letter (the source entry keeps them all). */
export const MAX_FIELD_ITEMS = 400;
/**
 * Characters of each field name and value a letter copies: a 64 MB field must not become 64 MB in
 * the dead-letter stream. A cut one is listed in the letter's `truncated` field with its length.
 */
export const LETTER_FIELD_CHARS = 1024;

interface Cut {
  field: string;
  nameBytes?: number;
  bytes?: number;
}

/** The first {@link LETTER_FIELD_CHARS} of `s`, and its original byte length when that cut it. */
function bounded(s: string, before: number | undefined): [text: string, bytes: number | null] {
  if (s.length > LETTER_FIELD_CHARS) return [s.slice(0, LETTER_FIELD_CHARS), before ?? Buffer.byteLength(s)];
  return [s, before !== undefined && before > Buffer.byteLength(s) ? before : null];
}

/** A letter's copy of the original fields: at most 400 items of at most 1,024 characters each, plus what was left out. */
export function letterFields(fields: readonly string[], lengths?: readonly number[], items = fields.length): string[] {
  const n = Math.min(fields.length, MAX_FIELD_ITEMS);
  const out: string[] = [];
  const cuts: Cut[] = [];
  // Pairs; a dangling field name gets an empty value (an odd count would make XADD fail).
  for (let i = 0; i < n; i += 2) {
    const [name, nameBytes] = bounded(fields[i]!, lengths?.[i]);
    const [value, bytes] = bounded(fields[i + 1] ?? '', lengths?.[i + 1]);
    out.push(name, value);
    if (nameBytes !== null || bytes !== null) {
      const c: Cut = { field: name };
      if (nameBytes !== null) c.nameBytes = nameBytes;
      if (bytes !== null) c.bytes = bytes;
      cuts.push(c);
    }
  }
  if (cuts.length > 0) out.push('truncated', JSON.stringify(cuts));
  if (n < items) out.push('omitted_fields', String((items - n) >> 1));
  return out;
}
const LETTERS_PER_CALL = 1000;

/** KEYS: dead stream, high-water hash, fence. ARGV: token, maxlen, letter count, per letter (n, n items), pair count, pairs. Returns the letters written, -1 when fenced. */
const SCRIPT = `
${fenceCheck('KEYS[3]', 'ARGV[1]', '-1')}
local i = 4
local letters = tonumber(ARGV[3])
for _ = 1, letters do
  local n = tonumber(ARGV[i])
  redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, i + 1, i + n))
  i = i + n + 1
end
local pairs_n = tonumber(ARGV[i])
i = i + 1
for _ = 1, pairs_n do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
return letters`;

type DeadRedis = Redis & { warroomDeadLetters(dead: string, hw: string, fence: string, ...args: (string | number)[]): Promise<number> };

export class DeadLetterWriter {
  readonly #redis: DeadRedis;
  readonly #keys: StreamKeys;
  readonly #log: Logger;
  readonly #fence: Fence;
  /** Per source stream, the last entry written by an earlier run, until an entry past it is seen. */
  readonly #highWater = new Map<string, EntryPos>();
  #pending: DeadLetter[] = [];
  #inFlight = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(redis: Redis, keys: StreamKeys, fence: Fence, log: Logger) {
    redis.defineCommand('warroomDeadLetters', { numberOfKeys: 3, lua: SCRIPT });
    this.#redis = redis as DeadRedis;
    this.#keys = keys;
    this.#fence = fence;
    this.#log = log;
  }

  async loadHighWater(): Promise<void> {
    const hw = await this.#redis.hgetall(this.#keys.deadHighWater);
    for (const [k, v] of Object.entries(hw)) this.#highWater.set(k, parseEntryId(v));
  }

  /** True when this entry was dead-lettered by an earlier run (entries arrive in stream order). */
  alreadyWritten(stream: string, entryId: string): boolean {
    const hw = this.#highWater.get(stream);
    if (hw === undefined) return false;
    if (compareEntryIds(entryId, hw) <= 0) return true;
    this.#highWater.delete(stream); // past it: every later entry is new
    return false;
  }

  add(d: DeadLetter): void {
    this.#pending.push(d);
  }

  /** Letters not yet written (queued or in flight): the reader waits when this grows. */
  get backlog(): number {
    return this.#pending.length + this.#inFlight;
  }

  /** Writes what is pending; failures are logged and the letters kept for the next flush. */
  flush(): Promise<void> {
    if (this.#pending.length === 0) return this.#flushing;
    const batch = this.#pending;
    this.#pending = [];
    this.#inFlight += batch.length;
    this.#flushing = this.#flushing
      .then(() => this.#write(batch))
      .finally(() => {
        this.#inFlight -= batch.length;
      });
    return this.#flushing;
  }

  async #write(batch: DeadLetter[]): Promise<void> {
    for (let from = 0; from < batch.length; from += LETTERS_PER_CALL) {
      const part = batch.slice(from, from + LETTERS_PER_CALL);
      const token = this.#fence.token();
      if (token === null) return; // not the owner (any more): the owner writes these letters
      const args: (string | number)[] = [String(token), DEAD_MAXLEN, part.length];
      const last = new Map<string, string>();
      for (const d of part) {
        const r = d.rejection;
        const items = ['stream', d.stream, 'entry', d.entryId, 'reason', `${r.code}: ${r.message}`, 'code', r.code];
        if (r.index !== undefined) items.push('index', String(r.index));
        for (const f of letterFields(d.fields, d.lengths, d.items)) items.push(f);
        args.push(items.length, ...items);
        last.set(d.stream, d.entryId);
      }
      args.push(last.size);
      for (const [s, id] of last) args.push(s, id);
      try {
        if ((await this.#redis.warroomDeadLetters(this.#keys.dead, this.#keys.deadHighWater, this.#fence.key, ...args)) === -1) {
          // Kept for a retry: the lease decides whether this process still owns them.
          this.#fence.refused();
          throw new Error(`refused: fencing token ${token} is not the current one`);
        }
      } catch (e) {
        this.#log.warn(`dead-letter write failed, will retry: ${(e as Error).message}`);
        this.#pending = batch.slice(from).concat(this.#pending);
        return;
      }
    }
  }
}
