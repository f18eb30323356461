import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { hashId, IdHashSet, lanes } from '../../server/aggregate/id-hash';

const hex = (s: string): string => {
  hashId(s);
  return [...lanes].map((x) => x.toString(16).padStart(8, '0')).join('');
};

describe('hashId', () => {
  it('gives 300,000 near-identical ids 300,000 distinct 128-bit hashes, and no 32-bit lane is constant', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      for (const id of [`order-${i}`, `order-${i} `, `ORDER-${i}`]) seen.add(hex(id));
    }
    expect(seen.size).toBe(300_000);
    const firstLanes = new Set([...seen].slice(0, 1000).map((h) => h.slice(0, 8)));
    expect(firstLanes.size).toBeGreaterThan(990);
  });
  it('depends on every character and on length', () => {
    expect(hex('abc')).not.toBe(hex('acb'));
    expect(hex('a')).not.toBe(hex('a\0'));
    expect(hex('')).not.toBe(hex('\0'));
  });
});

describe('IdHashSet', () => {
  it('keeps every id across growth and answers like a Set (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 12 }), { maxLength: 500 }), (ids) => {
        const s = new IdHashSet(16);
        const ref = new Set<string>();
        for (const id of ids) {
          hashId(id);
          expect(s.add()).toBe(!ref.has(id));
          ref.add(id);
        }
        expect(s.size).toBe(ref.size);
        for (const id of ref) {
          hashId(id);
          expect(s.has()).toBe(true);
        }
      }),
    );
  });
  it('grows from 16 slots to hold 100,000 ids', () => {
    const s = new IdHashSet(16);
    for (let i = 0; i < 100_000; i++) {
      hashId(`id${i}`);
      s.add();
    }
    expect(s.size).toBe(100_000);
    expect(s.capacity).toBeGreaterThanOrEqual(200_000);
    hashId('id99999');
    expect(s.has()).toBe(true);
    hashId('id100000');
    expect(s.has()).toBe(false);
  });
});

describe('IdHashSet while growing', () => {
  it('answers like a Set at every step of an incremental move, with lookups in between', () => {
    const s = new IdHashSet(16);
    const ref = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const id = `k${i % 7919}-${Math.floor(i / 3)}`;
      hashId(id);
      expect(s.add()).toBe(!ref.has(id));
      ref.add(id);
      const probe = `k${(i * 31) % 7919}-${Math.floor((i * 31) / 3)}`;
      hashId(probe);
      expect(s.has()).toBe(ref.has(probe));
    }
    expect(s.size).toBe(ref.size);
    expect(s.words().length).toBe(ref.size * 4);
  });
});

describe('IdHashSet with values', () => {
  it("keeps each hash's first value through an incremental growth, and dumps them aligned", () => {
    const s = new IdHashSet(16, true);
    for (let i = 0; i < 50_000; i++) {
      hashId(`v${i % 30_000}`);
      const got = s.addOrGet(1 + (i % 30_000));
      expect(got).toBe(i < 30_000 ? -1 : 1 + (i % 30_000)); // the first value wins
      hashId(`v${(i * 7) % 30_000}`);
      expect(s.get()).toBe((i * 7) % 30_000 <= i ? 1 + ((i * 7) % 30_000) : -1);
    }
    const { words, values } = s.dump();
    const copy = new IdHashSet(16, true);
    copy.addWords(words, values);
    for (const i of [0, 1, 12_345, 29_999]) {
      hashId(`v${i}`);
      expect(copy.get()).toBe(1 + i);
    }
  });
  it('a set without values answers 0 for a present hash', () => {
    const s = new IdHashSet(16);
    hashId('a');
    expect(s.addOrGet(9)).toBe(-1);
    expect(s.get()).toBe(0);
    expect(s.addOrGet(9)).toBe(0);
  });
});
