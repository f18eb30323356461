/**
 * The executive page's grid, as one table: for each multi-column breakpoint, the panels' areas row
 * by row, with and without the flash-sale board. A drill-down adds its panel as a row across the
 * top. Executive.svelte hands the strings to CSS as custom properties and its media queries pick
 * one; phones get a single column in page order (no areas). Unit-tested in tests/unit/exec-grid.test.ts.
 */

/** One panel's area name (Executive.svelte puts each panel in the area of its name). */
export type ExecArea = 'drill' | 'hero' | 'gmv' | 'rate' | 'rank' | 'map' | 'miles' | 'flash' | 'pay' | 'logi' | 'alerts' | 'status';

/** The multi-column layouts: `two` from 700 px wide, `three` from 1700 px (media queries in Executive.svelte). */
export type ExecColumns = 'two' | 'three';

/** What is on the page: a drill-down slice, and whether the event has flash-sale SKUs. */
export interface ExecShape {
  filtered: boolean;
  flash: boolean;
}

type Rows = readonly (readonly ExecArea[])[];

/** Rows per layout; a name over several cells spans them (each area must stay a rectangle). */
export const EXEC_GRID: Record<ExecColumns, { flash: Rows; noFlash: Rows }> = {
  // Tablets and laptops.
  two: {
    flash: [
      ['hero', 'gmv'],
      ['miles', 'gmv'],
      ['rate', 'map'],
      ['rank', 'rank'],
      ['flash', 'alerts'],
      ['pay', 'alerts'],
      ['logi', 'alerts'],
      ['status', 'status'],
    ],
    noFlash: [
      ['hero', 'gmv'],
      ['miles', 'gmv'],
      ['rate', 'map'],
      ['rank', 'rank'],
      ['pay', 'alerts'],
      ['logi', 'alerts'],
      ['status', 'status'],
    ],
  },
  // Wide monitors: the GMV chart across two columns.
  three: {
    flash: [
      ['hero', 'gmv', 'gmv'],
      ['miles', 'gmv', 'gmv'],
      ['rank', 'rate', 'map'],
      ['flash', 'logi', 'alerts'],
      ['pay', 'status', 'alerts'],
    ],
    noFlash: [
      ['hero', 'gmv', 'gmv'],
      ['miles', 'gmv', 'gmv'],
      ['rank', 'rate', 'map'],
      ['pay', 'logi', 'alerts'],
      ['status', 'status', 'alerts'],
    ],
  },
};

/** The rows of a layout for this shape: the drill-down panel, when there is one, across the top. */
export function execRows(columns: ExecColumns, shape: ExecShape): ExecArea[][] {
  const layout = EXEC_GRID[columns];
  const rows = (shape.flash ? layout.flash : layout.noFlash).map((r) => [...r]);
  const width = rows[0]?.length ?? 0;
  return shape.filtered ? [Array<ExecArea>(width).fill('drill'), ...rows] : rows;
}

/** The `grid-template-areas` value of a layout for this shape. */
export function execGridAreas(columns: ExecColumns, shape: ExecShape): string {
  return execRows(columns, shape)
    .map((r) => `'${r.join(' ')}'`)
    .join(' ');
}
