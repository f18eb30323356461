/**
 * Lost and trimmed history: proves that warroom has seen every entry of a stream up to where it
 * stands, or says what is missing. Redis 7.0 moves `max-deleted-entry-id` only on XDEL, never on
 * XTRIM or XADD … MAXLEN/MINID, so the proof is a count instead: warroom keeps, beside each cursor,
 * how many of the stream's entries it has accounted for (`counted`), and a probe (one MULTI: XINFO
 * STREAM and an XREAD from the cursor) tells how many entries the stream ever had (`entries-added`)
 * and how many of them are still ahead of the cursor (the XREAD's reply, when shorter than COUNT):
 *
 *   entries lost unread = entries-added − entries still ahead − counted
 *
 * exactly, whatever deleted them (XTRIM MAXLEN or MINID, exact or `~`, XADD … MAXLEN, XDEL), as long
 * as the cursor and the count are those of the instant the MULTI ran (the reader probes on its own
 * connection, the start-up check runs before reading). With more than COUNT entries ahead, the
 * first retained entry decides: after the cursor, all `entries-added − length` entries deleted came
 * before it or were deleted unread. Trimming only what warroom already read (docs/ingest.md,
 * "Retention") changes nothing in the sum and stays quiet. Fewer entries than warroom counted, a
 * stream gone or ending before the cursor: Redis lost what was counted.
 */
import type { Redis } from 'ioredis';
import type { RaiseAlarm } from '../alarms';
import { compareEntryIds } from '../entry-id';

/** Where warroom stands in one stream. */
export interface StreamPosition {
  /** The last entry ID applied; '0' before the first. */
  cursor: string;
  /**
   * How many of the stream's entries warroom has accounted for up to `cursor`: read, or raised as
   * lost. Equals `entries-added` at the cursor while nothing is lost. null while unknown (a
   * checkpoint from before counts were kept, until a probe can learn it).
   */
  counted: number | null;
}

/** The parts of XINFO STREAM the proof needs. */
export interface StreamInfo {
  /** `entries-added`; null on Redis before 7.0. */
  added: number | null;
  length: number;
  /** `last-generated-id` */
  last: string;
  /** `max-deleted-entry-id` (moved by XDEL only) */
  maxDeleted: string;
  /** ID of the first retained entry; null when the stream is empty. */
  first: string | null;
}

/** One stream as a probe found it. */
export interface Probe {
  /** null: the stream does not exist. */
  info: StreamInfo | null;
  /** Entries retained after the cursor; null when there were COUNT or more. */
  ahead: number | null;
}

export function parseStreamInfo(flat: unknown[]): StreamInfo {
  const f = new Map<string, unknown>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), flat[i + 1]);
  const first = f.get('first-entry');
  const added = f.get('entries-added');
  return {
    added: added === undefined ? null : Number(added),
    length: Number(f.get('length') ?? 0),
    last: String(f.get('last-generated-id') ?? '0-0'),
    maxDeleted: String(f.get('max-deleted-entry-id') ?? '0-0'),
    first: Array.isArray(first) ? String(first[0]) : null,
  };
}

/**
 * One MULTI: XINFO STREAM per key, then XREAD COUNT `count` from `cursors` (never blocks inside
 * MULTI). Returns what it found per key and the XREAD reply (entries to deliver, for the reader).
 */
export async function probeStreams(
  conn: Redis,
  keys: string[],
  cursors: string[],
  count: number,
): Promise<{ probes: Probe[]; reply: unknown }> {
  const m = conn.multi();
  for (const k of keys) m.call('XINFO', 'STREAM', k);
  m.call('XREAD', 'COUNT', count, 'STREAMS', ...keys, ...cursors);
  const res = await m.exec();
  if (!res) throw new Error('probe transaction discarded');
  const [xerr, reply] = res[keys.length]!;
  if (xerr) throw xerr;
  const got = new Map<string, number>();
  if (Array.isArray(reply))
    for (const [k, entries] of reply as [string, unknown[]][]) got.set(k, Array.isArray(entries) ? entries.length : 0);
  const probes = keys.map((k, i): Probe => {
    const [err, flat] = res[i]!;
    if (err && !/no such key/i.test(err.message)) throw err;
    const n = got.get(k) ?? 0;
    return { info: err ? null : parseStreamInfo(flat as unknown[]), ahead: n < count ? n : null };
  });
  return { probes, reply };
}

/**
 * When the proof runs: `recount` is the check before counting a stream from '0' without a
 * checkpoint (what is missing makes the recount incomplete), `resume` the check before reading on
 * from a checkpoint, `running` every later one.
 */
export type CheckPhase = 'recount' | 'resume' | 'running';

export interface Verdict {
  alarm?: RaiseAlarm;
  /** What `counted` becomes at this position; absent: unchanged. */
  counted?: number | null;
}

/** Judges one stream probed while warroom stood at `at`. */
export function judgeStream(stream: string, probe: Probe, at: StreamPosition, phase: CheckPhase): Verdict {
  const { info, ahead } = probe;
  const lost = (detail: string): RaiseAlarm => ({ kind: 'history_lost', stream, detail });
  const unread = (detail: string): RaiseAlarm =>
    phase === 'recount'
      ? {
          kind: 'recount_incomplete',
          stream,
          detail: `recounting from the stream's start without a checkpoint, but ${detail}: the totals cover only what is retained`,
        }
      : { kind: 'history_trimmed', stream, detail };

  if (info === null) {
    if (at.cursor === '0') return {};
    // Re-created later, the stream starts over: none of its entries lie at or before the cursor yet.
    return { alarm: lost(`the stream is gone; warroom had read it up to ${at.cursor}`), counted: 0 };
  }
  if (compareEntryIds(info.last, at.cursor) < 0) {
    return { alarm: lost(`the stream ends at ${info.last} but warroom had read it up to ${at.cursor}`), counted: info.added };
  }
  if (info.added === null) return { alarm: unread('Redis reports no entries-added (before 7.0), so trimmed entries cannot be detected') };
  const deleted = info.added - info.length;
  // The first retained entry lies after the cursor: everything deleted came before it or after it unread.
  const headPast = compareEntryIds(info.first ?? info.last, at.cursor) > 0;
  // Entries ever added up to the cursor plus those lost unread, i.e. what `counted` should be.
  const due = ahead !== null ? info.added - ahead : headPast ? deleted : null;
  const n = at.counted;
  if (n === null) {
    // A checkpoint without counts: learnt exactly while nothing after the cursor was deleted.
    if (!headPast && compareEntryIds(info.maxDeleted, at.cursor) <= 0) return ahead !== null ? { counted: due } : {};
    const why = `warroom cannot tell how many entries after ${at.cursor} were deleted before it read them: it resumed from a checkpoint that kept no counts`;
    return { alarm: unread(why), counted: headPast ? due : null };
  }
  if (due === null || due === n) return {};
  const upTo = at.cursor === '0' ? '' : ` (it had read up to ${at.cursor})`;
  if (due > n) return { alarm: unread(`${due - n} entries were trimmed or deleted before warroom read them${upTo}`), counted: due };
  return {
    alarm: lost(`the stream was re-created or rewound: it accounts for ${due} entries up to ${at.cursor} where warroom had counted ${n}`),
    counted: due,
  };
}
