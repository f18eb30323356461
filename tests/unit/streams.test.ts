/** The stream table: the key lists, the reading order and the dedupe windows all come from it. */
import { describe, expect, it } from 'vitest';
import { DEDUPE_STREAMS, STREAM_NAMES, STREAMS, streamsByKey, tagged } from '../../server/streams';
import { streamKeys } from '../../server/redis';
import { streamKinds } from '../../server/ingest/apply';
import { checkpointKeys } from '../../server/checkpoint';

describe('STREAMS', () => {
  it('derives the stream keys, in reading order, from one row per stream', () => {
    expect(STREAM_NAMES).toEqual(['orders', 'logistics', 'weather', 'payments', 'traffic']);
    const keys = streamKeys('wr:');
    expect(keys).toEqual({
      orders: 'wr:orders',
      logistics: 'wr:logistics',
      weather: 'wr:weather',
      payments: 'wr:payments',
      traffic: 'wr:traffic',
      dead: 'wr:dead',
      deadHighWater: 'wr:dead:hw',
    });
    expect([...streamKinds(keys)]).toEqual(STREAM_NAMES.map((n) => [`wr:${n}`, n]));
    expect(streamsByKey('wr:')).toEqual(streamKinds(keys));
  });

  it('gives a dedupe window to the streams with ids, tags to the orders only, and none to the streams whose events replace', () => {
    expect(DEDUPE_STREAMS).toEqual(['orders', 'logistics', 'payments']);
    expect(STREAM_NAMES.filter(tagged)).toEqual(['orders']);
    expect(checkpointKeys('wr:').ids('payments', 3)).toBe('wr:ckpt:ids:payments:3');
  });

  it('names a snapshot field for every stream', () => {
    expect(STREAM_NAMES.map((n) => STREAMS[n].wire)).toEqual(['totals', 'parcels', 'alerts', 'payments', 'traffic']);
  });
});
