/**
 * Checks of saved JSON, one per kind of value, each naming the first bad place
 * (`aggregate.parts.logistics.parcels.picked is not a count`). The parts use them to check their own
 * saved state (state-check.ts runs them all); a failed check throws {@link BadState}.
 */
import { LOGISTICS_STAGES } from '../../shared/domain';
import { isRecord } from '../../shared/dict';

export class BadState extends Error {}

export function fail(path: string, why: string): never {
  throw new BadState(`${path} ${why}`);
}

export function count(v: unknown, path: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(path, 'is not a count');
}

export function finite(v: unknown, path: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'is not a number');
}

export function timeOrNull(v: unknown, path: string): void {
  if (v !== null) finite(v, path);
}

export function str(v: unknown, path: string): void {
  if (typeof v !== 'string') fail(path, 'is not a string');
}

/** Minor units as a decimal integer string (may exceed 2^53). */
export function minor(v: unknown, path: string): void {
  if (typeof v !== 'string' || !/^\d{1,40}$/.test(v)) fail(path, 'is not an amount in minor units');
}

export function record(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) fail(path, 'is not an object');
  return v;
}

export function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'is not an array');
  return v;
}

/** A rolling counter's ring (rolling.ts). */
export function ring(v: unknown, path: string): void {
  const r = record(v, path);
  const secs = array(r.secs, `${path}.secs`);
  const counts = array(r.counts, `${path}.counts`);
  secs.forEach((x, i) => finite(x, `${path}.secs[${i}]`));
  counts.forEach((x, i) => finite(x, `${path}.counts[${i}]`));
}

/** [key, gmvMinor, orders] rows of a breakdown. */
export function breakdown(v: unknown, path: string): void {
  array(v, path).forEach((row, i) => {
    const r = array(row, `${path}[${i}]`);
    str(r[0], `${path}[${i}][0]`);
    minor(r[1], `${path}[${i}][1]`);
    count(r[2], `${path}[${i}][2]`);
  });
}

/** [a, b, gmvMinor, orders] rows of a pair table. */
export function pairs(v: unknown, path: string): void {
  array(v, path).forEach((row, i) => {
    const r = array(row, `${path}[${i}]`);
    str(r[0], `${path}[${i}][0]`);
    str(r[1], `${path}[${i}][1]`);
    minor(r[2], `${path}[${i}][2]`);
    count(r[3], `${path}[${i}][3]`);
  });
}

export function stages(v: unknown, path: string): void {
  const p = record(v, path);
  for (const s of LOGISTICS_STAGES) count(p[s], `${path}.${s}`);
}
