import { describe, expect, it } from 'vitest';
import { estimateOffset } from '../../client/live/clock';
import {
  formatClock,
  formatCompactCount,
  formatCompactEn,
  formatCompactZh,
  formatCountdown,
  formatMoney,
  formatShortMoney,
  formatTPlus,
} from '../../client/format';
import { regionName, tokenName } from '../../client/i18n';

describe('estimateOffset', () => {
  it('uses the midpoint of the fastest round trip', () => {
    const offset = 7 * 60_000; // a wall PC 7 minutes behind
    const samples = [
      { sentMs: 1000, receivedMs: 1300, serverMs: 1000 + offset + 250 }, // slow, asymmetric
      { sentMs: 2000, receivedMs: 2020, serverMs: 2010 + offset },
      { sentMs: 3000, receivedMs: 3100, serverMs: 3050 + offset },
    ];
    expect(estimateOffset(samples)).toEqual({ offsetMs: offset, rttMs: 20 });
  });
  it('ignores broken samples and returns null for none', () => {
    expect(estimateOffset([])).toBeNull();
    expect(estimateOffset([{ sentMs: 10, receivedMs: 5, serverMs: 0 }])).toBeNull();
    expect(estimateOffset([{ sentMs: 0, receivedMs: 5, serverMs: Number.NaN }])).toBeNull();
  });
});

describe('formatting', () => {
  it('formats exact money with separators', () => {
    expect(formatMoney(123456789n, 2, 'CNY', 'zh-CN')).toBe('¥1,234,567.89');
    expect(formatMoney(123456789n, 2, 'USD', 'en')).toBe('$1,234,567.89');
    expect(formatMoney(2n ** 64n + 1n, 2, 'CNY', 'en')).toBe('¥184,467,440,737,095,516.17');
    expect(formatMoney(0n, 2, 'CNY', 'zh-CN')).toBe('¥0.00');
    expect(formatMoney(1500n, 0, 'JPY', 'en')).toBe('¥1,500');
  });
  it('rounds Chinese compact units down, never announcing 1亿 early', () => {
    expect(formatCompactZh(9_999_999_999n, 2)).toBe('9999.99万');
    expect(formatCompactZh(10_000_000_000n, 2)).toBe('1.00亿');
    expect(formatCompactZh(12_345_678_900n, 2)).toBe('1.23亿');
    expect(formatCompactZh(1_000_000n, 2)).toBe('1.00万');
    expect(formatCompactZh(999_999n, 2)).toBe('9999.99');
    expect(formatCompactEn(99_999_999n, 2)).toBe('999.99K');
    expect(formatCompactEn(999_999_999_99n, 2)).toBe('999.99M');
    expect(formatCompactEn(100_000_000_000n, 2)).toBe('1.00B');
  });
  it('formats T± clocks and countdowns that reach zero exactly at T0', () => {
    expect(formatTPlus(71_000)).toBe('T+00:01:11');
    expect(formatTPlus(71_999)).toBe('T+00:01:11');
    expect(formatTPlus(-59_001)).toBe('T−00:01:00');
    expect(formatTPlus(3600_000 * 2 + 19 * 60_000)).toBe('T+02:19:00');
    expect(formatCountdown(60_000)).toBe('01:00');
    expect(formatCountdown(59_001)).toBe('01:00');
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(3 * 3600_000)).toBe('3:00:00');
  });
  it('shows wall-clock time in the event zone', () => {
    expect(formatClock(Date.parse('2026-11-10T16:00:05Z'), 'Asia/Shanghai')).toBe('00:00:05');
  });
});

describe('compact figures for tight panels', () => {
  it('rounds counts down, never overstating', () => {
    expect(formatCompactCount(9_999, 'zh-CN')).toBe('9,999');
    expect(formatCompactCount(123_456, 'zh-CN')).toBe('12.3万');
    expect(formatCompactCount(99_999_999, 'zh-CN')).toBe('9999.9万');
    expect(formatCompactCount(100_000_000, 'zh-CN')).toBe('1.0亿');
    expect(formatCompactCount(123_456, 'en')).toBe('123.4K');
    expect(formatCompactCount(1_999_999, 'en')).toBe('1.9M');
  });
  it('short money: whole 万 below 1亿, exact floor above, three significant digits in English', () => {
    expect(formatShortMoney(834_799_999n, 2, 'zh-CN')).toBe('834万'); // ¥8,347,999.99
    expect(formatShortMoney(9_999_999_999n, 2, 'zh-CN')).toBe('9999万'); // never "1亿" early
    expect(formatShortMoney(13_199_999_999n, 2, 'zh-CN')).toBe('1.31亿');
    expect(formatShortMoney(4_999_999n, 2, 'en')).toBe('49.9K');
    expect(formatShortMoney(123_456_789_00n, 2, 'en')).toBe('123M');
    expect(formatShortMoney(999n, 2, 'en')).toBe('9');
  });
  it('names regions and tokens in the screen language, unknown ones as sent', () => {
    expect(regionName('CN-GD', 'zh-CN')).toBe('广东');
    expect(regionName('CN-GD', 'en')).toBe('Guangdong');
    expect(regionName('US-CA', 'en')).toBe('US-CA');
    expect(tokenName('(other)', 'zh-CN')).toBe('其他');
    expect(tokenName('live', 'zh-CN')).toBe('直播');
    expect(tokenName('my-shop', 'en')).toBe('my-shop');
  });
});
