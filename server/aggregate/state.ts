/**
 * The aggregate as a checkpoint keeps it (format 2): what all streams share, then one entry per
 * stream of the stream table with that stream's part state. Older formats are brought up to this
 * one by state-upgrade.ts before anything reads them; state-check.ts checks the result.
 */
import type { Outage } from '../../shared/wire';
import type { StateOf, StreamName } from '../streams';
import type { DedupeJournal, DedupeState } from './dedupe';
import type { SeriesChunk } from './series';

export const AGGREGATE_VERSION = 2;

export interface AggregateState {
  version: typeof AGGREGATE_VERSION;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Retries counted once, over every deduplicated stream. */
  duplicates: number;
  /** Source outages that annotate the series. */
  outages: Outage[];
  /** The dedupe window of each deduplicated stream (its id hashes are saved beside the JSON); absent for a stream the checkpoint predates. */
  dedupe: Partial<Record<StreamName, DedupeState>>;
  /** Each stream's part; a stream added since the checkpoint was written has none and starts empty (its cursor is absent too, so it is read from the start). */
  parts: { [N in StreamName]?: StateOf<N> };
}

/** One checkpoint's worth: the state, the series chunks that changed and the id hashes added. */
export interface AggregateCheckpoint {
  state: AggregateState;
  seriesChunks: Map<number, SeriesChunk>;
  journals: Partial<Record<StreamName, DedupeJournal>>;
}

/** Saved id hashes of a window's two generations, and their tags where saved, as a checkpoint loader found them. */
export type DedupeBlobs = Partial<
  Record<
    StreamName,
    { current: Uint32Array | null; previous: Uint32Array | null; currentTags?: Uint32Array | null; previousTags?: Uint32Array | null }
  >
>;
