/**
 * Deep checks of a saved aggregate state and its series chunks, before {@link Aggregator.restore}
 * trusts them. JSON that parses but carries a string where a count belongs would otherwise slip
 * through: `"3" + 1` is `"31"`, and a wall showing that is worse than one that recounts. Every
 * check names the first bad place (`aggregate.parcels.picked is not a count`), so the alarm and the
 * log line say what was wrong.
 */
import { LOGISTICS_STAGES, SEVERITIES, WEATHER_KINDS } from '../../shared/domain';
import { CHUNK_SECONDS } from './series';
import { isRecord } from '../../shared/dict';

class Bad extends Error {}


function fail(path: string, why: string): never {
  throw new Bad(`${path} ${why}`);
}

function count(v: unknown, path: string): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(path, 'is not a count');
}

function finite(v: unknown, path: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'is not a number');
}

function timeOrNull(v: unknown, path: string): void {
  if (v !== null) finite(v, path);
}

function str(v: unknown, path: string): void {
  if (typeof v !== 'string') fail(path, 'is not a string');
}

/** Minor units as a decimal integer string (may exceed 2^53). */
function minor(v: unknown, path: string): void {
  if (typeof v !== 'string' || !/^\d{1,40}$/.test(v)) fail(path, 'is not an amount in minor units');
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) fail(path, 'is not an object');
  return v;
}

function array(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'is not an array');
  return v;
}

function ring(v: unknown, path: string): void {
  const r = record(v, path);
  const secs = array(r.secs, `${path}.secs`);
  const counts = array(r.counts, `${path}.counts`);
  secs.forEach((x, i) => finite(x, `${path}.secs[${i}]`));
  counts.forEach((x, i) => finite(x, `${path}.counts[${i}]`));
}

/** [key, gmvMinor, orders] rows of a breakdown. */
function breakdown(v: unknown, path: string): void {
  array(v, path).forEach((row, i) => {
    const r = array(row, `${path}[${i}]`);
    str(r[0], `${path}[${i}][0]`);
    minor(r[1], `${path}[${i}][1]`);
    count(r[2], `${path}[${i}][2]`);
  });
}

/** [a, b, gmvMinor, orders] rows of a pair table. */
function pairs(v: unknown, path: string): void {
  array(v, path).forEach((row, i) => {
    const r = array(row, `${path}[${i}]`);
    str(r[0], `${path}[${i}][0]`);
    str(r[1], `${path}[${i}][1]`);
    minor(r[2], `${path}[${i}][2]`);
    count(r[3], `${path}[${i}][3]`);
  });
}

function stages(v: unknown, path: string): void {
  const p = record(v, path);
  for (const s of LOGISTICS_STAGES) count(p[s], `${path}.${s}`);
}

function checkAggregate(a: Record<string, unknown>): void {
  const at = 'aggregate';
  minor(a.gmvMinor, `${at}.gmvMinor`);
  for (const k of ['orders', 'rejected', 'duplicates', 'seriesLength'] as const) count(a[k], `${at}.${k}`);
  if (typeof a.seriesStartMs !== 'number' || !Number.isSafeInteger(a.seriesStartMs)) fail(`${at}.seriesStartMs`, 'is not whole ms');
  for (const [k, n] of Object.entries(record(a.rejectedByReason, `${at}.rejectedByReason`))) count(n, `${at}.rejectedByReason.${k}`);
  ring(a.rolling, `${at}.rolling`);
  stages(a.parcels, `${at}.parcels`);
  array(a.alerts, `${at}.alerts`).forEach((x, i) => {
    const p = `${at}.alerts[${i}]`;
    const w = record(x, p);
    for (const k of ['id', 'region', 'text'] as const) str(w[k], `${p}.${k}`);
    if (!(SEVERITIES as readonly unknown[]).includes(w.severity)) fail(`${p}.severity`, 'is not a severity');
    if (!(WEATHER_KINDS as readonly unknown[]).includes(w.kind)) fail(`${p}.kind`, 'is not a weather kind');
    finite(w.tsMs, `${p}.tsMs`);
    if (w.untilMs !== undefined) finite(w.untilMs, `${p}.untilMs`);
  });
  array(a.milestones, `${at}.milestones`).forEach((x, i) => {
    const m = record(x, `${at}.milestones[${i}]`);
    minor(m.thresholdMinor, `${at}.milestones[${i}].thresholdMinor`);
    timeOrNull(m.reachedAtMs, `${at}.milestones[${i}].reachedAtMs`);
  });
  if (a.payments !== undefined) {
    for (const [k, v] of Object.entries(record(a.payments, `${at}.payments`))) {
      const c = record(v, `${at}.payments.${k}`);
      count(c.ok, `${at}.payments.${k}.ok`);
      count(c.failed, `${at}.payments.${k}.failed`);
    }
  }
  if (a.traffic !== undefined && a.traffic !== null) {
    const t = record(a.traffic, `${at}.traffic`);
    count(t.visitors, `${at}.traffic.visitors`);
    finite(t.tsMs, `${at}.traffic.tsMs`);
  }
  if (a.breakdowns !== undefined) {
    const b = record(a.breakdowns, `${at}.breakdowns`);
    for (const k of ['regions', 'categories', 'channels'] as const) breakdown(b[k], `${at}.breakdowns.${k}`);
    array(b.warehouses, `${at}.breakdowns.warehouses`).forEach((x, i) => {
      const w = record(x, `${at}.breakdowns.warehouses[${i}]`);
      str(w.key, `${at}.breakdowns.warehouses[${i}].key`);
      stages(w, `${at}.breakdowns.warehouses[${i}]`);
    });
  }
  if (a.flash !== undefined) {
    array(a.flash, `${at}.flash`).forEach((x, i) => {
      const f = record(x, `${at}.flash[${i}]`);
      str(f.sku, `${at}.flash[${i}].sku`);
      count(f.sold, `${at}.flash[${i}].sold`);
      timeOrNull(f.soldOutAtMs, `${at}.flash[${i}].soldOutAtMs`);
    });
  }
  if (a.pairs !== undefined) {
    const p = record(a.pairs, `${at}.pairs`);
    for (const k of ['regionCategory', 'regionChannel', 'categoryChannel'] as const) pairs(p[k], `${at}.pairs.${k}`);
  }
  if (a.dispatchRolling !== undefined) ring(a.dispatchRolling, `${at}.dispatchRolling`);
}

/**
 * What is wrong with a saved aggregate (its JSON part), or null when every field has the type and
 * range the aggregator expects. The dedupe states are checked by the checkpoint parser.
 */
export function aggregateProblem(a: unknown): string | null {
  try {
    checkAggregate(record(a, 'aggregate'));
    return null;
  } catch (e) {
    if (e instanceof Bad) return e.message;
    throw e;
  }
}

/** What is wrong with one saved series chunk (field `key` of the series hash), or null. */
export function seriesChunkProblem(key: number, chunk: unknown): string | null {
  try {
    const at = `series chunk ${key}`;
    if (!Number.isSafeInteger(key) || key < 0) fail(at, 'has no valid index');
    const c = record(chunk, at);
    for (const k of ['orders', 'gmvMinor'] as const) {
      const xs = array(c[k], `${at}.${k}`);
      if (xs.length > CHUNK_SECONDS) fail(`${at}.${k}`, `holds more than ${CHUNK_SECONDS} seconds`);
      xs.forEach((x, i) => {
        if (x !== null) count(x, `${at}.${k}[${i}]`); // null: a hole JSON wrote for an empty second
      });
    }
    return null;
  } catch (e) {
    if (e instanceof Bad) return e.message;
    throw e;
  }
}
