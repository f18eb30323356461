/**
 * The streams warroom reads, named once for every side: the server's stream table
 * (server/streams.ts) gives each name its decoder and aggregate part, the shard rule
 * (shared/shard.ts) its keys. Only names and key suffixes live here: shared/ runs in producers,
 * tools and the browser too.
 */

/** Stream name → its key after `WARROOM_KEY_PREFIX` (e.g. `wr:` + `orders`), in reading order. */
export const STREAM_KEY_SUFFIXES = {
  orders: 'orders',
  logistics: 'logistics',
  weather: 'weather',
  payments: 'payments',
  traffic: 'traffic',
} as const;

export type StreamName = keyof typeof STREAM_KEY_SUFFIXES;

/** Stream names in reading order: the order of XREAD's keys, of the cursors and of a recount. */
export const STREAM_NAMES: readonly StreamName[] = Object.keys(STREAM_KEY_SUFFIXES) as StreamName[];
