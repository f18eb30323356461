/**
 * The executive grid table (client/layouts/exec-grid.ts): the strings are exactly the eight
 * `grid-template-areas` the page had before the table, every layout is valid CSS grid (full rows,
 * each area one rectangle), and every panel on the page has exactly one area.
 */
import { describe, expect, it } from 'vitest';
import { execGridAreas, execRows, type ExecArea, type ExecColumns, type ExecShape } from '../../client/layouts/exec-grid';

const SHAPES: ExecShape[] = [
  { filtered: false, flash: true },
  { filtered: false, flash: false },
  { filtered: true, flash: true },
  { filtered: true, flash: false },
];
const LAYOUTS: [ExecColumns, number][] = [
  ['two', 2],
  ['three', 3],
];
const ALWAYS: ExecArea[] = ['hero', 'gmv', 'rate', 'rank', 'map', 'miles', 'pay', 'logi', 'alerts', 'status'];

describe('executive grid', () => {
  it('gives the eight area strings the page used before the table', () => {
    const css = (s: string): string => s.replace(/\s+/g, ' ').trim();
    expect(SHAPES.map((s) => execGridAreas('two', s))).toEqual([
      css(`'hero  gmv' 'miles gmv' 'rate  map' 'rank  rank' 'flash alerts' 'pay   alerts' 'logi  alerts' 'status status'`),
      `'hero gmv' 'miles gmv' 'rate map' 'rank rank' 'pay alerts' 'logi alerts' 'status status'`,
      `'drill drill' 'hero gmv' 'miles gmv' 'rate map' 'rank rank' 'flash alerts' 'pay alerts' 'logi alerts' 'status status'`,
      `'drill drill' 'hero gmv' 'miles gmv' 'rate map' 'rank rank' 'pay alerts' 'logi alerts' 'status status'`,
    ]);
    expect(SHAPES.map((s) => execGridAreas('three', s))).toEqual([
      css(`'hero  gmv    gmv' 'miles gmv    gmv' 'rank  rate   map' 'flash logi   alerts' 'pay   status alerts'`),
      `'hero gmv gmv' 'miles gmv gmv' 'rank rate map' 'pay logi alerts' 'status status alerts'`,
      `'drill drill drill' 'hero gmv gmv' 'miles gmv gmv' 'rank rate map' 'flash logi alerts' 'pay status alerts'`,
      `'drill drill drill' 'hero gmv gmv' 'miles gmv gmv' 'rank rate map' 'pay logi alerts' 'status status alerts'`,
    ]);
  });

  for (const [columns, width] of LAYOUTS) {
    for (const shape of SHAPES) {
      it(`${columns} columns, ${JSON.stringify(shape)}: full rows, one rectangle per panel, every panel once`, () => {
        const rows = execRows(columns, shape);
        for (const r of rows) expect(r).toHaveLength(width);
        const cells = new Map<ExecArea, [number, number][]>();
        rows.forEach((r, y) => r.forEach((a, x) => cells.set(a, [...(cells.get(a) ?? []), [x, y]])));
        // A CSS grid area must be one filled rectangle, or the whole declaration is dropped.
        for (const [area, at] of cells) {
          const xs = at.map(([x]) => x);
          const ys = at.map(([, y]) => y);
          const w = Math.max(...xs) - Math.min(...xs) + 1;
          const h = Math.max(...ys) - Math.min(...ys) + 1;
          expect(at.length, `${area} is a rectangle`).toBe(w * h);
        }
        const expected = [...ALWAYS, ...(shape.flash ? ['flash' as const] : []), ...(shape.filtered ? ['drill' as const] : [])];
        expect([...cells.keys()].sort()).toEqual(expected.sort());
        if (shape.filtered) expect(rows[0]).toEqual(Array(width).fill('drill'));
      });
    }
  }
});
