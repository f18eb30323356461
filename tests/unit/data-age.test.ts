import { describe, expect, it } from 'vitest';
import { formatAge, notCurrentSinceMs } from '../../client/live/data-age';
import { labels } from '../../client/i18n';
import { screenText } from '../../client/glyphs';

describe('data age', () => {
  it('formats whole seconds, minutes, hours in both languages, never negative', () => {
    const zh = labels('zh-CN');
    const en = labels('en');
    expect([-500, 0, 35_900, 59_999].map((ms) => formatAge(ms, zh))).toEqual(['0秒前', '0秒前', '35秒前', '59秒前']);
    expect(formatAge(12 * 60_000 + 5_000, zh)).toBe('12分钟前');
    expect(formatAge((3 * 60 + 45) * 60_000, zh)).toBe('3小时45分前');
    expect([35_000, 12 * 60_000, (3 * 60 + 45) * 60_000].map((ms) => formatAge(ms, en))).toEqual([
      '35 s old',
      '12 min old',
      '3 h 45 min old',
    ]);
  });

  it('is measured from the last message while stale/offline, from the source outage while live, else none', () => {
    const source = { redis: 'up' as const, staleSinceMs: null, lagMs: 0, newestOrderEntryMs: null, ingestPerSec: 0 };
    expect(notCurrentSinceMs({ connection: 'live', lastServerMs: 5, source })).toBeNull();
    expect(notCurrentSinceMs({ connection: 'offline', lastServerMs: 5, source })).toBe(5);
    expect(notCurrentSinceMs({ connection: 'stale', lastServerMs: 5, source })).toBe(5);
    expect(notCurrentSinceMs({ connection: 'live', lastServerMs: 5, source: { ...source, redis: 'down', staleSinceMs: 3 } })).toBe(3);
  });
});

describe('glyph preload text', () => {
  it('holds every character of every label in both languages, and the digits and symbols of figures', () => {
    const text = new Set(screenText());
    for (const t of [labels('zh-CN'), labels('en')])
      for (const v of Object.values(t)) for (const ch of v) expect(text.has(ch), `${ch} of "${v}"`).toBe(true);
    for (const ch of '0123456789:.,%+-−—·¥万亿') expect(text.has(ch), ch).toBe(true);
    expect(text.has('\u23f1')).toBe(false); // ⏱ is in no shipped font: the chips draw an SVG clock
  });
});
