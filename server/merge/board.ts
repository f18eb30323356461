/**
 * What a gateway holds (issue 11): the newest partial of every shard, and which shards it cannot
 * vouch for. A partial replaces a shard's previous one only when it is newer — a later `seq` in
 * the same epoch, or any partial of another epoch (the shard started over: its owner changed or
 * its state was recounted) — so partials arriving out of order over pub/sub never move a shard
 * back. A shard is stale when none of its partials arrived, or the newest is older than
 * `staleAfterMs`: the screens must then say which part of the data is missing instead of showing
 * a lower total as if it were complete.
 */
import type { ShardPartial } from './partial';
import { mergePartials, type MergedFigures, type MergeOptions } from './merge';

export interface ShardBoardOptions {
  shards: number;
  /** A shard whose newest partial is older than this (server time) is stale. */
  staleAfterMs: number;
}

export interface BoardView extends MergedFigures {
  /** Shards with no partial yet, or whose newest is too old: their figures are missing or behind. */
  stale: number[];
}

export class ShardBoard {
  readonly #o: ShardBoardOptions;
  readonly #latest: (ShardPartial | undefined)[];

  constructor(o: ShardBoardOptions) {
    this.#o = o;
    this.#latest = new Array<ShardPartial | undefined>(o.shards);
  }

  /** Keeps `p` if it is newer than what the board holds for its shard; says whether it did. */
  offer(p: ShardPartial): boolean {
    if (!Number.isInteger(p.shard) || p.shard < 0 || p.shard >= this.#o.shards) return false;
    const held = this.#latest[p.shard];
    if (held && held.epoch === p.epoch && held.seq >= p.seq) return false;
    this.#latest[p.shard] = p;
    return true;
  }

  stale(nowMs: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#o.shards; i++) {
      const p = this.#latest[i];
      if (!p || nowMs - p.atMs > this.#o.staleAfterMs) out.push(i);
    }
    return out;
  }

  /** The merge of every shard's newest partial, with the stale ones named. */
  view(o: MergeOptions): BoardView {
    const held = this.#latest.filter((p): p is ShardPartial => p !== undefined);
    return { ...mergePartials(held, o), stale: this.stale(o.nowMs) };
  }
}
