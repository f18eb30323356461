/**
 * Stream entry IDs (`<ms>-<seq>`), parsed and compared in one place: the history proof, the
 * dead-letter high-water mark and the future-ID check all order entries the way Redis does. An ID
 * without a sequence (`1700000000000`, or the cursor `0`) has sequence 0, as in XREAD.
 */

/** An entry ID's time and sequence. */
export type EntryPos = [ms: number, seq: number];

export function parseEntryId(id: string): EntryPos {
  const dash = id.indexOf('-');
  return dash < 0 ? [Number(id), 0] : [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Orders two entry IDs as Redis does: negative when `a` comes first, 0 when equal, positive after. */
export function compareEntryIds(a: string | EntryPos, b: string | EntryPos): number {
  const [am, as] = typeof a === 'string' ? parseEntryId(a) : a;
  const [bm, bs] = typeof b === 'string' ? parseEntryId(b) : b;
  return am !== bm ? Math.sign(am - bm) : Math.sign(as - bs);
}

/** Time part of a stream entry ID ("1731254400000-3" → 1731254400000). */
export function entryTimeMs(entryId: string): number {
  const dash = entryId.indexOf('-');
  return Number(dash < 0 ? entryId : entryId.slice(0, dash));
}
