/**
 * Start-up from saved state, trusting none of it. The alarm board comes back first (whatever else
 * is wrong with the checkpoint), then the checkpoint is checked to the last field: torn JSON, a
 * wrong type deep inside or a restore that throws all end the same way, with a fresh aggregator
 * recounting the retained streams, a `checkpoint_corrupt` alarm and a log line, never a crash. A
 * checkpoint in another currency than the event file refuses the start (mixing them would show
 * figures off by powers of ten), unless `WARROOM_NEW_EPOCH=1` asks to set it aside and recount.
 *
 * A checkpoint set aside is renamed `<prefix>ckpt-aside:<time>` (with its series chunks) and kept
 * for a week for inspection; its id hashes and amount tags are dropped (they are large and only that state uses them).
 */
import type { Redis } from 'ioredis';
import type { Aggregator } from './aggregate/aggregator';
import { DEDUPE_STREAMS } from './streams';
import { seriesChunkProblem } from './aggregate/state-check';
import { CheckpointError, type CheckpointKeys, type Checkpointer, type LoadedCheckpoint, type SavedCheckpoint } from './checkpoint';
import type { AlarmBoard } from './alarms';
import type { EventDefinition } from './event';
import type { Logger } from './log';

/** The start must not go on; `main` prints the message and exits non-zero. */
export class StartRefused extends Error {}

const ASIDE_TTL_MS = 7 * 86_400_000;

export interface ResumeDeps {
  /** The checkpoint connection. */
  redis: Redis;
  keys: CheckpointKeys;
  event: EventDefinition;
  alarms: AlarmBoard;
  /** `WARROOM_NEW_EPOCH`: on a currency mismatch, set the saved state aside instead of refusing. */
  newEpoch: boolean;
  makeAggregator(): Aggregator;
  makeCheckpointer(agg: Aggregator): Checkpointer;
  /** Runs `run` once Redis answers (retrying while it does not); rethrows a {@link CheckpointError}. */
  reachable<T>(what: string, run: () => Promise<T>): Promise<T>;
  /** Appends to the audit stream (who is the environment variable). */
  audit(action: string, old: unknown, now: unknown): Promise<void>;
  now: () => number;
  log: Logger;
}

export interface Resumed {
  aggregator: Aggregator;
  checkpointer: Checkpointer;
  /** The saved epoch, or null to keep the new one. */
  epoch: string | null;
  /** The checkpoint resumed from (cursors, counts, marker); null for a recount from the streams. */
  saved: SavedCheckpoint | null;
}

/** A checkpoint key of another Redis type is corrupt data, not an outage to wait out. */
async function typed<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (/WRONGTYPE/.test((e as Error).message))
      throw new CheckpointError(`a checkpoint key holds the wrong Redis type (${(e as Error).message})`);
    throw e;
  }
}

/** The saved alarms, from whatever JSON is there: they must survive even a corrupt checkpoint. */
function savedAlarms(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null ? (v as { alarms?: unknown }).alarms : undefined;
  } catch {
    return undefined;
  }
}

/** Why a loaded checkpoint cannot be restored as it is, or null. */
function seriesProblem(loaded: LoadedCheckpoint): string | null {
  for (const [k, c] of loaded.seriesChunks) {
    const p = seriesChunkProblem(k, c);
    if (p) return `checkpoint ${p}`;
  }
  return null;
}

/** Renames the checkpoint (JSON and series) out of the way and drops its id hashes. */
async function setAside(redis: Redis, keys: CheckpointKeys, stamp: string): Promise<string> {
  const aside = `${keys.state}-aside:${stamp}`;
  const m = redis.multi();
  for (const [from, to] of [
    [keys.state, aside],
    [keys.series, `${aside}:series`],
  ] as const) {
    if ((await redis.exists(from)) === 0) continue;
    m.rename(from, to);
    m.pexpire(to, ASIDE_TTL_MS);
  }
  for (const s of DEDUPE_STREAMS) {
    for (const pattern of [keys.ids(s, 0).replace(/0$/, '*'), keys.tags(s, 0).replace(/0$/, '*')]) {
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const k of found) m.unlink(k);
      } while (cursor !== '0');
    }
  }
  await m.exec();
  return aside;
}

export async function resume(d: ResumeDeps): Promise<Resumed> {
  const fresh = (): Resumed => {
    const aggregator = d.makeAggregator();
    return { aggregator, checkpointer: d.makeCheckpointer(aggregator), epoch: null, saved: null };
  };
  const stamp = new Date(d.now()).toISOString();
  const corrupt = async (why: string): Promise<Resumed> => {
    d.log.error(`checkpoint unusable, recounting from the streams: ${why}`);
    const aside = await d.reachable('setting the corrupt checkpoint aside', () => setAside(d.redis, d.keys, stamp));
    d.alarms.raise({
      kind: 'checkpoint_corrupt',
      stream: d.keys.state,
      detail: `${why}; set aside as ${aside}, recounting from the streams`,
    });
    return fresh();
  };

  const first = fresh();
  let loaded: LoadedCheckpoint | null;
  try {
    loaded = await d.reachable('loading the checkpoint', () => typed(() => first.checkpointer.load()));
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
    // Only a corrupt checkpoint is read a second time, as text: its alarms must come back all the same.
    const text = await d.reachable('loading the checkpoint', () =>
      d.redis.get(d.keys.state).catch((e: Error) => (/WRONGTYPE/.test(e.message) ? null : Promise.reject(e))),
    );
    d.alarms.restore(savedAlarms(text));
    return corrupt(e.message);
  }
  // The alarm board comes back before anything new is raised.
  d.alarms.restore(loaded?.saved.alarms);
  if (!loaded) return first;

  const saved = loaded.saved;
  const { currency: code, minorDigits } = d.event;
  if (saved.currency && (saved.currency.code !== code || saved.currency.minorDigits !== minorDigits)) {
    const was = `${saved.currency.code} with ${saved.currency.minorDigits} minor digits`;
    const is = `${code} with ${minorDigits}`;
    if (!d.newEpoch) {
      throw new StartRefused(
        `saved state is ${was}, the event file says ${is}: refusing to start, the figures would be wrong. ` +
          'Fix the event file, or set WARROOM_NEW_EPOCH=1 to set the saved state aside and recount the streams in the new currency.',
      );
    }
    const aside = await d.reachable('setting the old checkpoint aside', () => setAside(d.redis, d.keys, stamp));
    d.log.warn(`WARROOM_NEW_EPOCH: saved state was ${was}, the event file says ${is}; set aside as ${aside}, recounting from the streams`);
    await d.reachable('auditing the new epoch', () =>
      d.audit(
        'epoch.new',
        { currency: saved.currency, orders: saved.aggregate.parts.orders?.orders ?? 0, savedAtMs: saved.savedAtMs },
        { currency: { code, minorDigits }, asideKey: aside },
      ),
    );
    return fresh();
  }
  if (d.newEpoch)
    d.log.warn(
      "WARROOM_NEW_EPOCH is set but the saved state is in the event's currency: resuming it (the variable only acts on a currency change)",
    );

  const problem = seriesProblem(loaded);
  if (problem) return corrupt(problem);
  try {
    first.aggregator.restore(saved.aggregate, loaded.seriesChunks, loaded.blobs);
  } catch (e) {
    // The checks above should make this unreachable; if not, half a restore must not be counted on.
    return corrupt(`checkpoint could not be restored: ${(e as Error).message}`);
  }
  d.log.info(`resumed from checkpoint of ${new Date(saved.savedAtMs).toISOString()}: ${saved.aggregate.parts.orders?.orders ?? 0} orders`);
  return { ...first, epoch: saved.epoch, saved };
}
