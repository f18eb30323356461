/**
 * Deep checks of a saved aggregate state (current format, see state-upgrade.ts) and its series
 * chunks, before {@link Aggregator.restore} trusts them. JSON that parses but carries a string
 * where a count belongs would otherwise slip through: `"3" + 1` is `"31"`, and a wall showing that
 * is worse than one that recounts. Every check names the first bad place
 * (`aggregate.parts.logistics.parcels.picked is not a count`), so the alarm and the log line say
 * what was wrong. What the streams share is checked here; each stream's part by its row's `check`.
 */
import { DEDUPE_STREAMS, STREAM_NAMES, STREAMS } from '../streams';
import { CHUNK_SECONDS } from './series';
import { array, BadState, count, fail, record } from './check';
import { isRecord } from '../../shared/dict';

function dedupeState(v: unknown, stream: string): void {
  const int = (x: unknown): boolean => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
  const d = isRecord(v) ? v : null;
  if (
    d === null ||
    !int(d.gen) ||
    !(d.previousGen === null || int(d.previousGen)) ||
    !(d.startedMs === null || typeof d.startedMs === 'number') ||
    !int(d.earlyRotations)
  ) {
    throw new BadState(`dedupe state of ${stream} is malformed`);
  }
}

function checkAggregate(a: Record<string, unknown>): void {
  const at = 'aggregate';
  for (const k of ['rejected', 'duplicates'] as const) count(a[k], `${at}.${k}`);
  for (const [k, n] of Object.entries(record(a.rejectedByReason, `${at}.rejectedByReason`))) count(n, `${at}.rejectedByReason.${k}`);
  // Outages are not checked: OutageLog.restore keeps the well-formed intervals and drops the rest.
  if (!isRecord(a.dedupe)) throw new BadState('dedupe state is missing');
  const parts = record(a.parts, `${at}.parts`);
  // A stream's part (and window) is absent in a checkpoint from before the stream was read; a part present needs its window.
  for (const n of DEDUPE_STREAMS) if (parts[n] !== undefined) dedupeState(a.dedupe[n], n);
  for (const n of STREAM_NAMES) {
    if (parts[n] !== undefined) STREAMS[n].check(record(parts[n], `${at}.parts.${n}`), `${at}.parts.${n}`);
  }
}

/**
 * What is wrong with a saved aggregate (its JSON part, in the current format), or null when every
 * field has the type and range the aggregator expects.
 */
export function aggregateProblem(a: unknown): string | null {
  try {
    checkAggregate(record(a, 'aggregate'));
    return null;
  } catch (e) {
    if (e instanceof BadState) return e.message;
    throw e;
  }
}

/** What is wrong with one saved series chunk (field `key` of the series hash), or null. */
export function seriesChunkProblem(key: number, chunk: unknown): string | null {
  try {
    const at = `series chunk ${key}`;
    if (!Number.isSafeInteger(key) || key < 0) fail(at, 'has no valid index');
    const c = record(chunk, at);
    for (const k of ['orders', 'gmvMinor'] as const) {
      const xs = array(c[k], `${at}.${k}`);
      if (xs.length > CHUNK_SECONDS) fail(`${at}.${k}`, `holds more than ${CHUNK_SECONDS} seconds`);
      xs.forEach((x, i) => {
        if (x !== null) count(x, `${at}.${k}[${i}]`); // null: a hole JSON wrote for an empty second
      });
    }
    return null;
  } catch (e) {
    if (e instanceof BadState) return e.message;
    throw e;
  }
}
