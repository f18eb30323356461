/**
 * Entry IDs from the future. Producers must XADD with `*`; one that sets IDs itself from a clock
 * an hour fast drags everything after it forward, because Redis keeps IDs increasing: every later
 * `*` entry is stamped `<that ms>-<seq + 1>` until real time catches up. Judged by entry time,
 * those entries would rotate the dedupe window out (a retried id would count twice), grow an hour
 * of empty series buckets, and make every `ts` check relative to the wrong clock.
 *
 * So the server clock judges the ID. An ID more than `maxFutureMs` ahead of it is either
 *  - set by a producer (its time jumps past the entry before it): rejected as `id_in_future`, or
 *  - stamped by Redis after such an entry (same ms as the entry before it, sequence one more):
 *    an honest `*` entry read as it arrives, so it counts at the server's time.
 * Both raise the `id_in_future` alarm (see docs/decisions.md).
 */
import { parseEntryId } from '../entry-id';

/**
 * Judges an ID already found more than the tolerance ahead of the server clock (the caller compares
 * `entryTimeMs(id)` with `now + maxFutureMs`: one comparison on the hot path).
 * @param ms the ID's time
 * @param prevId the entry before it in its stream (the reader's cursor), if known
 * @returns the server's time for an ID Redis stamped after a future one, or null: set by a producer, reject it
 */
export function judgeFutureId(entryId: string, ms: number, prevId: string | undefined, nowMs: number): number | null {
  // Redis's `*` after a future ID: the same millisecond, the next sequence number.
  if (prevId === undefined) return null;
  const [prevMs, prevSeq] = parseEntryId(prevId);
  return prevMs === ms && parseEntryId(entryId)[1] === prevSeq + 1 ? nowMs : null;
}
