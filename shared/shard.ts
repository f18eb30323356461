/**
 * The shard rule (docs/ingest.md, "Sharded streams"): with `WARROOM_SHARDS` = N > 1 every entry
 * belongs to shard `crc32(id) mod N`, CRC-32/IEEE over the id's UTF-8 bytes as zlib computes it, so
 * a producer in any language places an entry where the server looks for it, and a retried id meets
 * its first copy (dedupe stays inside one shard). Entries without an id (the traffic gauge) go to
 * shard 0. With N = 1 the keys are exactly the unsharded ones.
 *
 * Pure: no `node:*` (producers' tools and the browser may use it); node:zlib's crc32 is the
 * reference the unit tests compare with.
 *
 *   shardOf('o-1001', 16);                  // 0…15
 *   shardKey('wr:', 'orders', 3, 16);       // 'wr:{s:3}:orders'
 *   topology('wr:', 1).streams.orders;      // ['wr:orders']
 */
import { STREAM_KEY_SUFFIXES, STREAM_NAMES, type StreamName } from './streams';

/** The hash's name in the topology JSON. */
export const SHARD_HASH = 'crc32-ieee';

/** What `<prefix>topology` holds: how many shards, by which hash, and every stream's key per shard. */
export interface Topology {
  shards: number;
  hash: typeof SHARD_HASH;
  /** Stream name → its key in shard 0, 1, … N − 1. */
  streams: Record<StreamName, string[]>;
}

/** The reflected IEEE polynomial (zlib, PNG, Ethernet). */
const POLY = 0xedb88320;

/** One entry per byte value: the byte's remainder, so the loop below takes one lookup per byte. */
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? POLY ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

const utf8 = new TextEncoder();

/** CRC-32/IEEE of the string's UTF-8 bytes (init and final xor 0xFFFFFFFF), as an unsigned 32-bit integer. */
export function crc32(s: string): number {
  let c = 0xffffffff;
  for (const b of utf8.encode(s)) c = TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function checkShards(shards: number): void {
  if (!Number.isSafeInteger(shards) || shards < 1) throw new RangeError(`shards must be a whole number ≥ 1, not ${shards}`);
}

/** The shard of an entry with this id; no id (null, the traffic gauge) → shard 0. */
export function shardOf(id: string | null, shards: number): number {
  checkShards(shards);
  if (id === null || shards === 1) return 0;
  return crc32(id) % shards;
}

/**
 * The prefix of every key of one shard: `prefix` itself when unsharded, else `prefix{s:<i>}:`.
 * Redis Cluster hashes only what is inside the first braces, so every key built on it (streams,
 * and the shard's checkpoint, lease and marker keys) lands in one slot: one script can write them
 * together. Braces in `prefix` itself would move the tag, so they are refused with N > 1.
 */
export function shardPrefix(prefix: string, shard: number, shards: number): string {
  checkShards(shards);
  if (!Number.isSafeInteger(shard) || shard < 0 || shard >= shards) throw new RangeError(`shard ${shard} is not one of 0…${shards - 1}`);
  if (shards === 1) return prefix;
  if (/[{}]/.test(prefix)) throw new RangeError(`WARROOM_KEY_PREFIX must not contain { or } with more than one shard (${prefix})`);
  return `${prefix}{s:${shard}}:`;
}

/** The key of `stream` in `shard`: with one shard exactly the unsharded key (`wr:orders`). */
export function shardKey(prefix: string, stream: StreamName, shard: number, shards: number): string {
  return shardPrefix(prefix, shard, shards) + STREAM_KEY_SUFFIXES[stream];
}

/** The topology of `shards` shards under `prefix`: the JSON the server publishes at `<prefix>topology`. */
export function topology(prefix: string, shards: number): Topology {
  checkShards(shards);
  const keysOf = (n: StreamName): string[] => Array.from({ length: shards }, (_, i) => shardKey(prefix, n, i, shards));
  const streams = Object.fromEntries(STREAM_NAMES.map((n) => [n, keysOf(n)])) as Record<StreamName, string[]>;
  return { shards, hash: SHARD_HASH, streams };
}

/** The key producers and tools read the topology from (not sharded: it describes all shards). */
export const topologyKey = (prefix: string): string => `${prefix}topology`;
