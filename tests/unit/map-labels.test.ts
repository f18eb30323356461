/**
 * Label placement on the region map (client/widgets/map/labels.ts), as properties over random maps:
 * no two placed texts overlap, every text is inside the box, the same input places the same way,
 * texts that find no room are left out (never stacked), and the order says who wins a spot.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mapTexts, placeLabels, textWidth, type LabelRequest, type PlacedLabel } from '../../client/widgets/map/labels';

/** The collision box of a placed text (the same sizes labels.ts uses). */
function box(p: PlacedLabel, em: number): { x0: number; x1: number; y0: number; y1: number } {
  const half = (p.width * em) / 2 + em * 0.1;
  return { x0: p.x - half, x1: p.x + half, y0: p.y - (em * 0.98) / 2, y1: p.y + (em * 0.98) / 2 };
}

const NAMES = ['广东', '浙江', '上海', 'Jiangsu', 'BEIJING', 'Hong Kong', '四川省', 'Tx'];

/** A random map box (wide enough for any of the names) with random regions and texts on them. */
const maps = fc
  .record({
    w: fc.integer({ min: 300, max: 2000 }),
    h: fc.integer({ min: 120, max: 1200 }),
    em: fc.integer({ min: 10, max: 40 }),
    texts: fc.array(
      fc.record({
        fx: fc.double({ min: 0, max: 1, noNaN: true }),
        fy: fc.double({ min: 0, max: 1, noNaN: true }),
        extent: fc.double({ min: 0, max: 300, noNaN: true }),
        name: fc.constantFrom(...NAMES),
        tag: fc.boolean(),
        dy: fc.constantFrom(-0.575, 0, 0.575),
      }),
      { maxLength: 40 },
    ),
  })
  .map(({ w, h, em, texts }) => ({
    bounds: { w, h, em },
    requests: texts.map((t, i): LabelRequest => ({
      key: `k${i}`,
      kind: t.tag ? 'tag' : 'label',
      text: t.name,
      width: (t.tag ? 1.15 : 0) + textWidth(t.name),
      anchor: { x: t.fx * w, y: t.fy * h, extent: t.extent },
      dy: t.dy * em,
    })),
  }));

describe('placeLabels', () => {
  it('never overlaps two texts', () => {
    fc.assert(
      fc.property(maps, ({ bounds, requests }) => {
        const boxes = placeLabels(requests, bounds).map((p) => box(p, bounds.em));
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!;
            const b = boxes[j]!;
            expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${i} overlaps ${j}`).toBe(false);
          }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every text inside the box', () => {
    fc.assert(
      fc.property(maps, ({ bounds, requests }) => {
        for (const p of placeLabels(requests, bounds)) {
          const b = box(p, bounds.em);
          expect(b.x0).toBeGreaterThanOrEqual(0);
          expect(b.x1).toBeLessThanOrEqual(bounds.w);
          expect(b.y0).toBeGreaterThanOrEqual(-1e-9);
          expect(b.y1).toBeLessThanOrEqual(bounds.h + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same input gives the same placement', () => {
    fc.assert(
      fc.property(maps, ({ bounds, requests }) => {
        expect(placeLabels(requests, bounds)).toEqual(placeLabels(structuredClone(requests), { ...bounds }));
      }),
      { numRuns: 100 },
    );
  });

  it('places each text at most once, in request order, keeping its own fields', () => {
    fc.assert(
      fc.property(maps, ({ bounds, requests }) => {
        const placed = placeLabels(requests, bounds);
        const order = placed.map((p) => requests.findIndex((r) => r.key === p.key));
        expect(order.every((i) => i >= 0)).toBe(true);
        expect([...order].sort((a, b) => a - b)).toEqual(order);
        expect(new Set(order).size).toBe(order.length);
        for (const p of placed) expect(p.text).toBe(requests[order[placed.indexOf(p)]!]!.text);
      }),
      { numRuns: 100 },
    );
  });

  it('leaves out what finds no room, and the first request wins a contested spot', () => {
    const em = 20;
    const at = { x: 100, y: 50, extent: 200 };
    const req = (i: number): LabelRequest => ({ key: `k${i}`, kind: 'label', text: '广东', width: 2, anchor: at, dy: 0 });
    // A box only a little taller than one line and narrower than two labels side by side: one fits.
    const placed = placeLabels([0, 1, 2, 3].map(req), { w: 120, h: 24, em });
    expect(placed.map((p) => p.key)).toEqual(['k0']);
    expect(placed[0]!.x).toBe(96); // pushed in from the right edge: 120 − half width − 2
    expect(placed[0]!.y).toBeCloseTo(24 - (0.98 * em) / 2); // and up from the bottom
    // Room for all: none is dropped.
    expect(placeLabels([0, 1, 2].map(req), { w: 1000, h: 1000, em })).toHaveLength(3);
  });

  it("puts a small region's text beside it with a dot on the region, a large region's on it", () => {
    const em = 20;
    const small = placeLabels([{ key: 's', kind: 'label', text: '上海', width: 2, anchor: { x: 200, y: 200, extent: 10 }, dy: 0 }], {
      w: 1000,
      h: 1000,
      em,
    });
    expect(small[0]!.dot).toEqual({ x: 200, y: 200 });
    expect(small[0]!.x).toBeGreaterThan(200 + em);
    const large = placeLabels([{ key: 'l', kind: 'label', text: '四川', width: 2, anchor: { x: 200, y: 200, extent: 100 }, dy: 0 }], {
      w: 1000,
      h: 1000,
      em,
    });
    expect(large[0]).toMatchObject({ x: 200, y: 200 });
    expect(large[0]!.dot).toBeUndefined();
  });
});

describe('mapTexts', () => {
  it('tags the most severe alerts first (no tag for info), then the names; a tagged name goes above its tag', () => {
    const regions: Record<string, { x: number; y: number; extent: number; name: string }> = {
      A: { x: 10, y: 10, extent: 50, name: 'Alpha' },
      B: { x: 20, y: 20, extent: 50, name: 'Beta' },
      C: { x: 30, y: 30, extent: 50, name: 'Gamma' },
    };
    const texts = mapTexts({
      alertsBySeverity: [
        { id: 'C', severity: 'info', kind: 'fog', more: 0 },
        { id: 'B', severity: 'warning', kind: 'rain', more: 0 },
        { id: 'A', severity: 'severe', kind: 'snow', more: 2 },
      ],
      labelled: new Set(['A', 'C']),
      region: (id) => regions[id]!,
      kindText: (k) => k.toUpperCase(),
      em: 20,
    });
    expect(texts.map((t) => [t.key, t.text, t.dy])).toEqual([
      ['tag:A', 'SNOW +2', 11.5],
      ['tag:B', 'RAIN', 0],
      ['label:A', 'Alpha', -11.5],
      ['label:C', 'Gamma', 0],
    ]);
    expect(texts[0]!.width).toBeCloseTo(1.15 + textWidth('SNOW +2'));
  });
});
