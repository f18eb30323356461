/**
 * The executive view's drill-down filter and its place in the URL: `?region=CN-GD`,
 * `?category=beauty` or `?channel=app` (one at a time), so a link reproduces the view.
 * Pure functions, unit-tested.
 */
import { DRILL_DIMS, type DrillDim } from '../../shared/api';

export interface Filter {
  dim: DrillDim;
  key: string;
}

/** A key as producers send it: 1–100 characters, no control characters. */
export function validKey(key: string): boolean {
  // eslint-disable-next-line no-control-regex
  return key.length > 0 && key.length <= 100 && !/[\u0000-\u001f\u007f]/.test(key);
}

/** The filter in a query string (`location.search`), the first dimension present; null when none or invalid. */
export function parseFilter(search: string): Filter | null {
  const p = new URLSearchParams(search);
  for (const dim of DRILL_DIMS) {
    const key = p.get(dim);
    if (key !== null && validKey(key)) return { dim, key };
  }
  return null;
}

/** `search` with the filter set (or removed), other parameters (`lang`, `kiosk`…) kept: "" or "?…". */
export function withFilter(search: string, filter: Filter | null): string {
  const p = new URLSearchParams(search);
  for (const dim of DRILL_DIMS) p.delete(dim);
  if (filter) p.set(filter.dim, filter.key);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function sameFilter(a: Filter | null, b: Filter | null): boolean {
  return a === b || (a !== null && b !== null && a.dim === b.dim && a.key === b.key);
}

/** `GET /api/drill` for the filter. */
export function drillUrl(filter: Filter): string {
  return `/api/drill?dim=${encodeURIComponent(filter.dim)}&key=${encodeURIComponent(filter.key)}`;
}
