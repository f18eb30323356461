import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { judgeStream, type Probe, type StreamInfo, type StreamPosition } from '../../server/ingest/history';
import { savedSource, startPositions } from '../../server/ingest/history-watch';
import { parseCheckpoint } from '../../server/checkpoint';
import { Aggregator } from '../../server/aggregate/aggregator';

const S = 'wr:orders';
const at = (cursor: string, counted: number | null): StreamPosition => ({ cursor, counted });
const info = (p: Partial<StreamInfo>): StreamInfo => ({ added: 10, length: 10, last: '1-10', maxDeleted: '0-0', first: '1-1', ...p });
const probe = (i: Partial<StreamInfo> | null, ahead: number | null): Probe => ({ info: i === null ? null : info(i), ahead });

describe('judgeStream: table', () => {
  // Entries 1-1 … 1-10 were added; warroom stands at `at`.
  it.each<[string, Probe, StreamPosition, string | null, number | null | undefined]>([
    // [what, probe, position, alarm kind or null, counted afterwards]
    ['caught up, nothing lost', probe({}, 0), at('1-10', 10), null, undefined],
    ['behind, untrimmed', probe({}, 6), at('1-4', 4), null, undefined],
    ['XTRIM of read entries only', probe({ length: 6, first: '1-5' }, 6), at('1-4', 4), null, undefined],
    ['XTRIM past the cursor', probe({ length: 3, first: '1-8' }, 3), at('1-4', 4), 'history_trimmed', 7],
    ['XTRIM past the cursor, more than COUNT ahead', probe({ length: 3, first: '1-8' }, null), at('1-4', 4), 'history_trimmed', 7],
    ['XTRIM MAXLEN 0 with unread entries', probe({ length: 0, first: null }, 0), at('1-4', 4), 'history_trimmed', 10],
    ['XTRIM MAXLEN 0 after reading all', probe({ length: 0, first: null }, 0), at('1-10', 10), null, undefined],
    ['XDEL of an unread entry', probe({ length: 9, maxDeleted: '1-6' }, 5), at('1-4', 4), 'history_trimmed', 5],
    ['XDEL of a read entry', probe({ length: 9, maxDeleted: '1-3' }, 6), at('1-4', 4), null, undefined],
    ['XDEL of the last entry, unread', probe({ length: 9, maxDeleted: '1-10' }, 0), at('1-9', 9), 'history_trimmed', 10],
    ['caught up after skipping a trimmed gap', probe({ length: 3, first: '1-8' }, 0), at('1-10', 7), 'history_trimmed', 10],
    ['more than COUNT ahead, head not past: wait', probe({ length: 8, first: '1-3' }, null), at('1-4', 1), null, undefined],
    ['the stream is gone', probe(null, 0), at('1-4', 4), 'history_lost', 0],
    ['never read, stream absent', probe(null, 0), at('0', 0), null, undefined],
    ['the stream ends before the cursor', probe({ added: 2, length: 2, last: '1-2' }, 0), at('1-4', 4), 'history_lost', 2],
    [
      're-created with newer IDs (FLUSHALL, producers write again)',
      probe({ added: 2, length: 2, first: '9-1', last: '9-2' }, 2),
      at('1-10', 10),
      'history_lost',
      0,
    ],
    ['no count yet, nothing deleted after the cursor: learnt', probe({ length: 8, first: '1-3' }, 6), at('1-4', null), null, 4],
    ['no count yet, more than COUNT ahead: wait', probe({ length: 8, first: '1-3' }, null), at('1-4', null), null, undefined],
    ['no count yet, trimmed past the cursor: cannot prove', probe({ length: 3, first: '1-8' }, 3), at('1-4', null), 'history_trimmed', 7],
    [
      'no count yet, XDEL after the cursor: cannot prove',
      probe({ length: 9, maxDeleted: '1-6' }, 5),
      at('1-4', null),
      'history_trimmed',
      null,
    ],
  ])('%s', (_what, p, position, kind, counted) => {
    const v = judgeStream(S, p, position, 'running');
    expect(v.alarm?.kind ?? null).toBe(kind);
    expect(v.counted).toBe(counted);
  });

  it('names a recount that cannot see the whole history recount_incomplete, and passes an untrimmed one', () => {
    expect(judgeStream(S, probe({ length: 4, first: '1-7' }, 4), at('0', 0), 'recount').alarm).toMatchObject({
      kind: 'recount_incomplete',
      stream: S,
    });
    expect(judgeStream(S, probe({ length: 4, first: '1-7' }, null), at('0', 0), 'recount').alarm?.kind).toBe('recount_incomplete');
    expect(judgeStream(S, probe({ length: 9, maxDeleted: '1-2' }, 9), at('0', 0), 'recount').alarm?.kind).toBe('recount_incomplete');
    expect(judgeStream(S, probe({ length: 0, first: null }, 0), at('0', 0), 'recount').alarm?.kind).toBe('recount_incomplete');
    expect(judgeStream(S, probe({}, 10), at('0', 0), 'recount')).toEqual({});
    expect(judgeStream(S, probe({}, null), at('0', 0), 'recount')).toEqual({});
  });

  it('says when Redis cannot report entries-added (before 7.0)', () => {
    expect(judgeStream(S, probe({ added: null }, 6), at('1-4', 4), 'running').alarm?.kind).toBe('history_trimmed');
  });
});

/** A stream as Redis 7.0 keeps it: XTRIM/MAXLEN/MINID never move max-deleted-entry-id, XDEL does. */
class ModelStream {
  ids: number[] = [];
  added = 0;
  lastId = 0;
  maxDeleted = 0;
  removedUnread = 0;
  constructor(readonly read: Set<number>) {}
  add(n: number): void {
    for (let i = 0; i < n; i++) {
      this.ids.push(++this.lastId);
      this.added++;
    }
  }
  #remove(keep: (id: number) => boolean): void {
    const gone = this.ids.filter((id) => !keep(id));
    this.removedUnread += gone.filter((id) => !this.read.has(id)).length;
    this.ids = this.ids.filter(keep);
  }
  maxlen(n: number): void {
    const cut = this.ids.slice(0, Math.max(0, this.ids.length - n));
    this.#remove((id) => !cut.includes(id));
  }
  minid(m: number): void {
    this.#remove((id) => id >= m);
  }
  xdel(id: number): void {
    if (!this.ids.includes(id)) return;
    this.#remove((x) => x !== id);
    this.maxDeleted = Math.max(this.maxDeleted, id);
  }
  info(): StreamInfo {
    const e = (n: number): string => `1-${n}`;
    return {
      added: this.added,
      length: this.ids.length,
      last: e(this.lastId),
      maxDeleted: e(this.maxDeleted),
      first: this.ids.length ? e(this.ids[0]!) : null,
    };
  }
}

class ModelReader {
  cursor = 0;
  counted: number | null = 0;
  readonly read = new Set<number>();
  position(): StreamPosition {
    return { cursor: this.cursor === 0 ? '0' : `1-${this.cursor}`, counted: this.counted };
  }
  readFrom(s: ModelStream, k: number): void {
    const got = s.ids.filter((id) => id > this.cursor).slice(0, k);
    for (const id of got) this.read.add(id);
    if (got.length === 0) return;
    this.cursor = got[got.length - 1]!;
    if (this.counted !== null) this.counted += got.length;
  }
}

type Op =
  | { t: 'add'; n: number }
  | { t: 'read'; n: number }
  | { t: 'maxlen'; n: number }
  | { t: 'minid'; d: number }
  | { t: 'xdel'; d: number }
  | { t: 'probe' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('add' as const), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ t: fc.constant('read' as const), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ t: fc.constant('maxlen' as const), n: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ t: fc.constant('minid' as const), d: fc.integer({ min: -3, max: 3 }) }),
  fc.record({ t: fc.constant('xdel' as const), d: fc.integer({ min: -3, max: 3 }) }),
  fc.constant({ t: 'probe' as const }),
);

/** The probe's XREAD COUNT: small, so probes with more entries ahead (ahead unknown) happen too. */
const COUNT = 4;

describe('judgeStream against a model of a Redis 7.0 stream', () => {
  it('raises exactly the entries removed unread (XTRIM MAXLEN, MINID, XDEL), never a trim of read entries, and keeps counted exact', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const reader = new ModelReader();
        const s = new ModelStream(reader.read);
        let alarmed = 0; // entries removed unread that an alarm has accounted for
        const runProbe = (): void => {
          const retainedAhead = s.ids.filter((id) => id > reader.cursor).length;
          const p: Probe = { info: s.lastId === 0 ? null : s.info(), ahead: retainedAhead < COUNT ? retainedAhead : null };
          const n = reader.counted;
          const v = judgeStream(S, p, reader.position(), 'running');
          if (v.alarm) {
            expect(v.alarm.kind).toBe('history_trimmed');
            // Exact: the alarm accounts for every entry removed unread since the last one, and no more.
            expect((v.counted as number) - (n as number)).toBe(s.removedUnread - alarmed);
            alarmed = s.removedUnread;
          }
          if (v.counted !== undefined) reader.counted = v.counted;
          const headPast = s.ids.length ? s.ids[0]! > reader.cursor : s.lastId > reader.cursor;
          if (p.ahead !== null || headPast) {
            // Provable: every loss so far is raised, and the count is what Redis says it must be.
            expect(alarmed).toBe(s.removedUnread);
            if (s.lastId > 0) expect(reader.counted).toBe(s.added - (p.ahead ?? s.ids.length));
          } else {
            expect(v.alarm).toBeUndefined();
          }
        };
        for (const o of ops) {
          if (o.t === 'add') s.add(o.n);
          else if (o.t === 'read') reader.readFrom(s, o.n);
          else if (o.t === 'maxlen') s.maxlen(o.n);
          else if (o.t === 'minid') s.minid(reader.cursor + 1 + o.d);
          else if (o.t === 'xdel') s.xdel(reader.cursor + o.d);
          else runProbe();
        }
        runProbe();
        reader.readFrom(s, Number.MAX_SAFE_INTEGER);
        runProbe();
        expect(alarmed).toBe(s.removedUnread);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('counts and marker in the checkpoint', () => {
  const keys = ['wr:orders', 'wr:weather', 'wr:traffic'];
  const text = (patch: Record<string, unknown>) =>
    JSON.stringify({
      version: 1,
      epoch: 'e',
      savedAtMs: 1,
      cursors: { 'wr:orders': '1-5', 'wr:weather': '1-2' },
      aggregate: new Aggregator({ seriesStartMs: 0, milestonesMinor: [], alertDefaultTtlMs: 1000 }).checkpoint().state,
      ...patch,
    });

  it('round-trips cursors, known counts and the marker; unknown counts are left out', () => {
    const saved = savedSource({ 'wr:orders': at('1-5', 5), 'wr:weather': at('1-2', null), 'wr:traffic': at('0', 0) }, 'm-1');
    expect(saved).toEqual({
      cursors: { 'wr:orders': '1-5', 'wr:weather': '1-2', 'wr:traffic': '0' },
      counted: { 'wr:orders': 5, 'wr:traffic': 0 },
      marker: 'm-1',
    });
    const back = parseCheckpoint(text(saved));
    expect(startPositions(keys, back)).toEqual({ 'wr:orders': at('1-5', 5), 'wr:weather': at('1-2', null), 'wr:traffic': at('0', 0) });
    expect(back.marker).toBe('m-1');
  });

  it('loads a checkpoint from before counts and marker were kept: counts unknown except at 0', () => {
    const old = parseCheckpoint(text({}));
    expect(old.marker).toBeUndefined();
    expect(startPositions(keys, old)).toEqual({ 'wr:orders': at('1-5', null), 'wr:weather': at('1-2', null), 'wr:traffic': at('0', 0) });
  });

  it.each([
    ['a negative count', { counted: { 'wr:orders': -1 } }],
    ['a fractional count', { counted: { 'wr:orders': 1.5 } }],
    ['counts that are not a map', { counted: [1] }],
    ['a marker that is not a string', { marker: 7 }],
  ])('treats %s as a corrupt checkpoint', (_what, patch) => {
    expect(() => parseCheckpoint(text(patch))).toThrow(/checkpoint/);
  });
});
