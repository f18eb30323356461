import { describe, expect, it } from 'vitest';
import { entryTimeMs } from '../../server/entry-id';
import fc from 'fast-check';
import {
  decodeLogistics,
  decodeOrdersEntry,
  decodePayment,
  decodeTraffic,
  decodeWeather,
  defaultDecodeOptions as o,
} from '../../server/ingest/decode';

const ID = '1731254400000-0';
const T = 1731254400000;
const flat = (r: Record<string, string>): string[] => Object.entries(r).flat();
const one = (r: Record<string, string>) => decodeOrdersEntry(ID, flat(r), o);
const code = (r: Record<string, string>) => one(r).rejections[0]?.code;

describe('orders: single form', () => {
  it('decodes a full order', () => {
    const r = one({
      id: 'o-1',
      amount: '38888.00',
      ts: String(T - 5),
      region: 'CN-GD',
      channel: 'app',
      category: 'beauty',
      sku: 'SKU:1',
      qty: '3',
      extra: 'ignored',
    });
    expect(r.rejections).toEqual([]);
    expect(r.orders).toEqual([
      { id: 'o-1', amountMinor: 3888800, tsMs: T - 5, qty: 3, region: 'CN-GD', channel: 'app', category: 'beauty', sku: 'SKU:1' },
    ]);
  });
  it('defaults ts to the entry time and qty to 1', () => {
    expect(one({ id: 'a', amount: '1' }).orders[0]).toMatchObject({ tsMs: T, qty: 1 });
    expect(entryTimeMs('1731254400000-7')).toBe(T);
  });
  it.each([
    [{ amount: '1' }, 'missing_id'],
    [{ id: '', amount: '1' }, 'bad_id'],
    [{ id: 'x'.repeat(129), amount: '1' }, 'bad_id'],
    [{ id: 'é', amount: '1' }, 'bad_id'],
    [{ id: 'a\nb', amount: '1' }, 'bad_id'],
    [{ id: ' o-1', amount: '1' }, 'bad_id'],
    [{ id: 'o-1 ', amount: '1' }, 'bad_id'],
    [{ id: ' ', amount: '1' }, 'bad_id'],
    [{ id: 'a' }, 'missing_amount'],
    [{ id: 'a', amount: 'NaN' }, 'bad_amount'],
    [{ id: 'a', amount: '1e309' }, 'bad_amount'],
    [{ id: 'a', amount: '-5' }, 'bad_amount'],
    [{ id: 'a', amount: '0x10' }, 'bad_amount'],
    [{ id: 'a', amount: '' }, 'bad_amount'],
    [{ id: 'a', amount: '12.345' }, 'too_many_decimals'],
    [{ id: 'a', amount: '1000000000001' }, 'amount_out_of_range'],
    [{ id: 'a', amount: 'x'.repeat(1 << 20) }, 'bad_amount'],
    [{ id: 'a', amount: '1', ts: 'soon' }, 'bad_ts'],
    [{ id: 'a', amount: '1', ts: String(T + 3 * 365 * 86400_000) }, 'ts_out_of_range'],
    [{ id: 'a', amount: '1', ts: String(T - 2 * 86400_000) }, 'ts_out_of_range'],
    [{ id: 'a', amount: '1', region: 'Guangdong' }, 'bad_region'],
    [{ id: 'a', amount: '1', channel: 'a b' }, 'bad_channel'],
    [{ id: 'a', amount: '1', category: 'x'.repeat(65) }, 'bad_category'],
    [{ id: 'a', amount: '1', sku: '<script>' }, 'bad_sku'],
    [{ id: 'a', amount: '1', qty: '0' }, 'bad_qty'],
    [{ id: 'a', amount: '1', qty: '1.5' }, 'bad_qty'],
  ])('%o → %s', (fields, expected) => {
    expect(code(fields as Record<string, string>)).toBe(expected);
    expect(one(fields as Record<string, string>).orders).toEqual([]);
  });
  it('accepts the contract bounds exactly', () => {
    expect(one({ id: 'a', amount: '0' }).orders).toHaveLength(1);
    expect(one({ id: 'a', amount: '1000000000000.00' }).orders).toHaveLength(1);
    expect(one({ id: '!~', amount: '1' }).orders).toHaveLength(1);
    expect(one({ id: 'o 1', amount: '1' }).orders).toHaveLength(1); // a space inside is part of the id
    expect(one({ id: 'a', amount: '1', ts: String(T + 5 * 60_000) }).orders).toHaveLength(1);
  });
});

describe('orders: batched form', () => {
  it('validates each order on its own', () => {
    const batch = JSON.stringify([
      { id: 'b1', amount: '1.05' },
      { id: 'b2', amount: 'x' },
      7,
      { id: 'b4', amount: 2 },
      { id: 'b5', amount: '2', qty: 2 },
    ]);
    const r = decodeOrdersEntry(ID, ['batch', batch], o);
    expect(r.orders.map((x) => [x.id, x.amountMinor, x.qty])).toEqual([
      ['b1', 105, 1],
      ['b5', 200, 2],
    ]);
    expect(r.rejections.map((x) => [x.index, x.code])).toEqual([
      [1, 'bad_amount'],
      [2, 'bad_batch_item'],
      [3, 'bad_amount'],
    ]);
    expect(r.rejections[0]!.item).toEqual({ id: 'b2', amount: 'x' });
  });
  it("rejects an entry that has both a batch and a single order's id or amount, counting none of it", () => {
    const batch = JSON.stringify([{ id: 'b1', amount: '1.00' }]);
    for (const extra of [
      ['id', 'o-1', 'amount', '5.00'],
      ['id', 'o-1'],
      ['amount', '5.00'],
    ]) {
      const r = decodeOrdersEntry(ID, ['batch', batch, ...extra], o);
      expect(r.orders).toEqual([]);
      expect(r.rejections.map((x) => x.code)).toEqual(['ambiguous_entry']);
    }
    expect(decodeOrdersEntry(ID, ['region', 'CN-GD', 'batch', batch], o).orders).toHaveLength(1); // other fields are ignored as ever
  });
  it("rejects padded ids inside a batch too, and keeps each order's position", () => {
    const r = decodeOrdersEntry(
      ID,
      [
        'batch',
        JSON.stringify([
          { id: 'b1', amount: '1' },
          { id: 'b1 ', amount: '1' },
          { id: 'b3', amount: '1' },
        ]),
      ],
      o,
    );
    expect(r.rejections.map((x) => [x.index, x.code])).toEqual([[1, 'bad_id']]);
    expect(r.at).toEqual([0, 2]);
  });
  it('judges ts against the entry time it is given (the server clock for an ID stamped ahead)', () => {
    const now = T - 3600_000;
    expect(decodeOrdersEntry(ID, flat({ id: 'a', amount: '1', ts: String(T) }), o, now).rejections[0]?.code).toBe('ts_out_of_range');
    expect(decodeOrdersEntry(ID, flat({ id: 'a', amount: '1' }), o, now).orders[0]?.tsMs).toBe(now);
    expect(decodeLogistics(ID, flat({ id: 'l', stage: 'picked' }), o, now)).toMatchObject({ ok: true, value: { tsMs: now } });
  });
  it('rejects a batch that is not a JSON array, or too long', () => {
    expect(decodeOrdersEntry(ID, ['batch', '{'], o).rejections[0]!.code).toBe('bad_batch');
    expect(decodeOrdersEntry(ID, ['batch', '{"id":1}'], o).rejections[0]!.code).toBe('bad_batch');
    const big = JSON.stringify(Array.from({ length: 10_001 }, (_, i) => ({ id: `i${i}`, amount: '1' })));
    expect(decodeOrdersEntry(ID, ['batch', big], o).rejections[0]!.code).toBe('batch_too_large');
    const ok = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ id: `i${i}`, amount: '1' })));
    expect(decodeOrdersEntry(ID, ['batch', ok], o).orders).toHaveLength(10_000);
  });
  it('never throws and never applies an invalid amount, whatever the input', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 12 }), (fields) => {
        const r = decodeOrdersEntry(ID, fields, o);
        for (const ord of r.orders) {
          expect(Number.isSafeInteger(ord.amountMinor)).toBe(true);
          expect(ord.amountMinor).toBeGreaterThanOrEqual(0);
        }
        expect(r.orders.length + r.rejections.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('logistics and weather', () => {
  it('decodes logistics and rejects bad stages and parcels', () => {
    const ok = decodeLogistics(ID, flat({ id: 'l1', stage: 'dispatched', parcels: '12', warehouse: 'WH-HZ', region: 'CN-ZJ' }), o);
    expect(ok).toEqual({ ok: true, value: { id: 'l1', stage: 'dispatched', parcels: 12, warehouse: 'WH-HZ', region: 'CN-ZJ', tsMs: T } });
    expect(decodeLogistics(ID, flat({ id: 'l1', stage: 'lost' }), o)).toMatchObject({ ok: false, rejection: { code: 'bad_stage' } });
    expect(decodeLogistics(ID, flat({ id: 'l1', stage: 'picked', parcels: '0' }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'bad_parcels' },
    });
    expect(decodeLogistics(ID, flat({ id: 'l1', stage: 'picked' }), o)).toMatchObject({ ok: true, value: { parcels: 1 } });
  });
  it('decodes weather, keeping text as given, and rejects unknown severities', () => {
    const text = '<img src=x onerror=alert(1)> \u202Eevil';
    const ok = decodeWeather(ID, flat({ id: 'w1', region: 'CN-GD', severity: 'severe', kind: 'storm', text, until: String(T + 1000) }), o);
    expect(ok).toEqual({
      ok: true,
      value: { id: 'w1', region: 'CN-GD', severity: 'severe', kind: 'storm', text, tsMs: T, untilMs: T + 1000 },
    });
    expect(decodeWeather(ID, flat({ id: 'w', region: 'CN-GD', severity: 'apocalyptic', kind: 'storm' }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'bad_severity' },
    });
    expect(decodeWeather(ID, flat({ id: 'w', region: 'CN-GD', severity: 'info', kind: 'meteor' }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'bad_kind' },
    });
    expect(decodeWeather(ID, flat({ id: 'w', region: 'CN-GD', severity: 'info', kind: 'fog', text: '字'.repeat(281) }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'text_too_long' },
    });
    expect(decodeWeather(ID, flat({ id: 'w', region: 'CN-GD', severity: 'info', kind: 'fog', text: '字'.repeat(280) }), o).ok).toBe(true);
    expect(decodeWeather(ID, flat({ id: 'w', severity: 'info', kind: 'fog' }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'missing_region' },
    });
  });
});

describe('payments and traffic', () => {
  it('decodes payments and rejects what breaks the contract', () => {
    expect(decodePayment(ID, flat({ id: 'p1', channel: 'alipay', ok: '1' }), o)).toEqual({
      ok: true,
      value: { id: 'p1', channel: 'alipay', ok: true, tsMs: T },
    });
    expect(decodePayment(ID, flat({ id: 'p1', channel: 'wechat', ok: '0', ts: String(T - 1) }), o)).toMatchObject({
      ok: true,
      value: { ok: false, tsMs: T - 1 },
    });
    expect(decodePayment(ID, flat({ id: 'p1', ok: '1' }), o)).toMatchObject({ ok: false, rejection: { code: 'missing_channel' } });
    expect(decodePayment(ID, flat({ id: 'p1', channel: 'a b', ok: '1' }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'bad_channel' },
    });
    expect(decodePayment(ID, flat({ id: 'p1', channel: 'card', ok: 'yes' }), o)).toMatchObject({
      ok: false,
      rejection: { code: 'bad_ok' },
    });
    expect(decodePayment(ID, flat({ channel: 'card', ok: '1' }), o)).toMatchObject({ ok: false, rejection: { code: 'missing_id' } });
  });
  it('decodes the traffic gauge', () => {
    expect(decodeTraffic(ID, flat({ visitors: '10000000' }), o)).toEqual({ ok: true, value: { visitors: 10_000_000, tsMs: T } });
    expect(decodeTraffic(ID, flat({ visitors: '0' }), o)).toMatchObject({ ok: true, value: { visitors: 0 } });
    for (const bad of ['-1', '1.5', '', '1e6', '007'])
      expect(decodeTraffic(ID, flat({ visitors: bad }), o)).toMatchObject({ ok: false, rejection: { code: 'bad_visitors' } });
    expect(decodeTraffic(ID, flat({}), o)).toMatchObject({ ok: false, rejection: { code: 'missing_visitors' } });
  });
});
