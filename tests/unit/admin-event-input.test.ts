/**
 * The admin event card's input checks (client/pages/admin/event-input.ts): what is sent for good
 * input, and the text shown instead of sending for bad input, in the page's words.
 */
import { describe, expect, it } from 'vitest';
import { checkGoals, checkShift, checkT0 } from '../../client/pages/admin/event-input';
import { adminText } from '../../client/pages/strings';

const t = adminText('en');

describe('admin event inputs', () => {
  it('shifts T0 by whole positive seconds, earlier or later', () => {
    expect(checkShift(-1, 60, t)).toEqual({ patch: { shiftSeconds: -60 } });
    expect(checkShift(1, 5, t)).toEqual({ patch: { shiftSeconds: 5 } });
    for (const bad of [0, -5, 1.5, null, Number.NaN]) expect(checkShift(1, bad, t)).toEqual({ problem: t.badShift });
  });

  it('reads a T0 in the event zone, not the browser zone', () => {
    expect(checkT0('2026-11-11T00:00:00', 'Asia/Shanghai', t)).toEqual({ patch: { t0Ms: Date.UTC(2026, 10, 10, 16) } });
    expect(checkT0('2026-11-11T00:00', 'UTC', t)).toEqual({ patch: { t0Ms: Date.UTC(2026, 10, 11) } });
    expect(checkT0('11/11/2026', 'UTC', t)).toEqual({ problem: t.badTime });
  });

  it('sends the target and ascending milestones as typed, or says which one is wrong', () => {
    expect(checkGoals(' 1000000 ', '1000, 5000，10000.5', 2, t)).toEqual({
      patch: { target: '1000000', milestones: ['1000', '5000', '10000.5'] },
    });
    expect(checkGoals('abc', '1000', 2, t)).toEqual({ problem: `${t.target}: ${t.badAmount}` });
    expect(checkGoals('10.123', '1000', 2, t)).toEqual({ problem: `${t.target}: ${t.badDecimals}` });
    expect(checkGoals('100', '1000, 500', 2, t)).toEqual({ problem: `${t.badOrder}: 500` });
    expect(checkGoals('100', '1000, 1.5', 0, t)).toEqual({ problem: `${t.badDecimals}: 1.5` });
  });
});
