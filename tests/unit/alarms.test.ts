import { describe, expect, it } from 'vitest';
import { AlarmBoard } from '../../server/alarms';
import { CheckpointWatch, type SaveStreak } from '../../server/checkpoint-watch';
import { parseBanner, parseEventOverrides } from '../../server/admin-stored';
import { silentLogger } from '../../server/log';

const DAY = 24 * 3600_000;

describe('AlarmBoard persistence', () => {
  it('restores what state() saved through JSON, drops garbage and alarms acknowledged a day ago', () => {
    let now = 10 * DAY;
    const a = new AlarmBoard({ now: () => now, log: silentLogger });
    const old = a.raise({ kind: 'history_trimmed', stream: 'wr:orders', detail: 'old' })!;
    a.acknowledge(old.id, 'account:ops');
    now += DAY + 1;
    const acked = a.raise({ kind: 'config_garbage', stream: 'wr:sec:banner', detail: 'acked tonight' })!;
    a.acknowledge(acked.id, 'account:ops');
    a.raise({ kind: 'checkpoint_corrupt', stream: 'wr:ckpt', detail: 'active' });
    const saved: unknown = JSON.parse(JSON.stringify([...a.state(), { id: 1, kind: 'x' }, 'junk']));

    const b = new AlarmBoard({ now: () => now, log: silentLogger });
    b.restore(saved);
    expect(b.list().map((x) => x.detail)).toEqual(['acked tonight', 'active']);
    expect(b.active().map((x) => x.kind)).toEqual(['checkpoint_corrupt']);
    // The restored active alarm is the same one: raising it again adds nothing.
    expect(b.raise({ kind: 'checkpoint_corrupt', stream: 'wr:ckpt', detail: 'active' })).toBeNull();
    b.restore('not an array');
    expect(b.list()).toHaveLength(2);
  });
});

describe('CheckpointWatch', () => {
  it('raises checkpoint_failing once 3 saves in a row have failed over 5 s, once per streak, and it stays after saves recover', () => {
    let now = 0;
    const board = new AlarmBoard({ now: () => now, log: silentLogger });
    const cp: SaveStreak = { consecutiveFailures: 0, failingSinceMs: null, lastError: null };
    const watch = new CheckpointWatch(cp, board, () => now);
    const fail = (): void => {
      cp.consecutiveFailures++;
      cp.failingSinceMs ??= now;
      cp.lastError = "OOM command not allowed when used memory > 'maxmemory'.";
    };
    for (let s = 0; s < 4; s++, now += 1000) {
      fail();
      watch.poll();
    }
    expect(board.active()).toEqual([]); // 4 failures, but only over 3 s
    now = 5000;
    watch.poll();
    expect(board.active().map((a) => a.kind)).toEqual(['checkpoint_failing']);
    expect(board.active()[0]!.detail).toMatch(/OOM command not allowed/);
    // Acknowledged during the same streak: not raised again.
    board.acknowledge(board.active()[0]!.id, 'account:ops');
    fail();
    now += 5000;
    watch.poll();
    expect(board.active()).toEqual([]);
    // Saves recover; a new streak raises again, and the alarm stays after the next success.
    cp.consecutiveFailures = 0;
    cp.failingSinceMs = null;
    watch.poll();
    for (let s = 0; s < 6; s++, now += 1000) {
      fail();
      watch.poll();
    }
    cp.consecutiveFailures = 0;
    cp.failingSinceMs = null;
    watch.poll();
    expect(board.active().map((a) => a.kind)).toEqual(['checkpoint_failing']);
  });
});

describe('stored admin settings', () => {
  it('applies the readable override fields and names the unreadable ones', () => {
    expect(parseEventOverrides('{"t0Ms": 1762790400000, "targetMinor": "100", "milestonesMinor": ["1", "20"]}')).toEqual({
      value: { t0Ms: 1762790400000, targetMinor: '100', milestonesMinor: ['1', '20'] },
      problems: [],
    });
    const r = parseEventOverrides('{"t0Ms": "soon", "targetMinor": "100", "milestonesMinor": ["20", "1"]}');
    expect(r.value).toEqual({ targetMinor: '100' });
    expect(r.problems).toEqual([expect.stringMatching(/^t0Ms/), expect.stringMatching(/^milestonesMinor/)]);
    expect(parseEventOverrides('{"targetMinor": 1e400}').problems).toEqual([expect.stringMatching(/^targetMinor/)]);
    expect(parseEventOverrides('{nope').problems).toEqual(['is not JSON']);
    expect(parseEventOverrides('[1,2]').problems).toEqual(['is not a JSON object']);
  });
  it('reads a banner or says why not', () => {
    expect(parseBanner('{"text": "Hi", "untilMs": 5, "by": "account:ops"}')).toEqual({
      value: { text: 'Hi', untilMs: 5, by: 'account:ops' },
      problem: null,
    });
    expect(parseBanner('{"text": 5, "untilMs": 5, "by": "x"}').problem).toMatch(/^text/);
    expect(parseBanner('{"text": "Hi", "untilMs": "later", "by": "x"}').problem).toMatch(/^untilMs/);
    expect(parseBanner('\u0000garbage').problem).toBe('is not JSON');
  });
});
