/** The event definition file: parsed and validated at start, with errors that name the field. */
import { majorToMinorBig } from '../shared/money';
import { LOCALES, MAP_KINDS, type EventInfo, type FlashSku, type LastYear, type MapKind } from '../shared/domain';
import { isoMinorDigits } from './iso4217';
import { isRecord } from '../shared/dict';

/** The validated event, with money in BigInt minor units. */
export interface EventDefinition {
  name: string;
  t0Ms: number;
  timeZone: string;
  currency: string;
  minorDigits: number;
  locale: string;
  targetMinor: bigint;
  /** Ascending, distinct; includes last year's total when the file gives one. */
  milestonesMinor: bigint[];
  map: MapKind;
  flashSkus: FlashSku[];
  lastYearMinor: bigint | null;
  /** Last year's cumulative GMV by seconds after T0. */
  lastYearCurve: [number, bigint][];
}

/**
 * Milestones when the event file lists none, in major units: round figures the room cheers for.
 * CNY uses the 千万/亿 steps of a Double 11 screen; other currencies a 1-2-5 ladder.
 */
export const DEFAULT_MILESTONES_MAJOR: Record<string, number[]> = {
  CNY: [10_000_000, 100_000_000, 200_000_000, 500_000_000, 1_000_000_000, 2_000_000_000, 5_000_000_000, 10_000_000_000],
  JPY: [100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000],
  '*': [1_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000, 200_000_000, 500_000_000, 1_000_000_000],
};

/** Default map by currency: China for CNY, the US states for USD, China otherwise (`world` only when configured). */
function defaultMap(currency: string): MapKind {
  return currency === 'USD' ? 'usa' : 'china';
}

const SKU = /^[A-Za-z0-9_.:-]{1,64}$/;

export class EventFileError extends Error {}

const RELATIVE_T0 = /^now\s*\+\s*(\d{1,7})\s*(s|m|h)$/;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses "2026-11-11T00:00:00+08:00" or "now+60s" into ms since the epoch. */
export function parseT0(text: string, nowMs: number): number | null {
  const rel = RELATIVE_T0.exec(text.trim());
  if (rel) {
    const unit = rel[2] === 's' ? 1000 : rel[2] === 'm' ? 60_000 : 3600_000;
    return Math.ceil((nowMs + Number(rel[1]) * unit) / 1000) * 1000;
  }
  if (!ISO_WITH_ZONE.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}


/** The keys each object of the file may have: anything else is a typo that would silently fall back to a default. */
const KEYS = {
  '': ['name', 't0', 'timeZone', 'locale', 'currency', 'target', 'milestones', 'map', 'flashSkus', 'lastYear'],
  currency: ['code', 'minorDigits', 'nonIsoMinorDigits'],
  flashSku: ['sku', 'name', 'stock'],
  lastYear: ['total', 'curve'],
} as const;

/** Fails on the first key of `obj` not in `allowed`, naming it (with a suggestion when only its case differs). */
function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string, fail: (field: string, why: string) => never): void {
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
    fail(`${at}${k}`, `is not a known key${near ? ` (did you mean "${near}"?)` : `; known keys: ${allowed.join(', ')}`}`);
  }
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Validates a parsed event file. `source` names the file in messages; `t0Override` (from the
 * environment) replaces the file's `t0`.
 */
export function parseEventDefinition(raw: unknown, source: string, nowMs: number, t0Override?: string): EventDefinition {
  const fail = (field: string, why: string): never => {
    throw new EventFileError(`${source}: ${field} ${why}`);
  };
  if (!isRecord(raw)) return fail('(root)', 'must be a JSON object');
  checkKeys(raw, KEYS[''], '', fail);

  const name = raw.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 120) fail('name', 'must be a non-empty string of at most 120 characters');

  const t0Text = t0Override ?? raw.t0;
  const t0Field = t0Override !== undefined ? 'WARROOM_T0' : 't0';
  if (typeof t0Text !== 'string') return fail(t0Field, 'must be a string: ISO 8601 with offset ("2026-11-11T00:00:00+08:00") or "now+60s"');
  const t0Ms = parseT0(t0Text, nowMs);
  if (t0Ms === null) return fail(t0Field, `is not ISO 8601 with an offset or "now+Ns": ${JSON.stringify(t0Text)}`);

  const timeZone = raw.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !validTimeZone(timeZone)) fail('timeZone', `is not an IANA time zone: ${JSON.stringify(timeZone)}`);

  const locale = raw.locale ?? 'zh-CN';
  if (!(LOCALES as readonly unknown[]).includes(locale)) fail('locale', `must be ${LOCALES.map((l) => `"${l}"`).join(' or ')}`);

  if (!isRecord(raw.currency)) return fail('currency', 'must be an object like {"code": "CNY", "minorDigits": 2}');
  checkKeys(raw.currency, KEYS.currency, 'currency.', fail);
  const code = raw.currency.code;
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) fail('currency.code', 'must be an ISO 4217 code such as "CNY"');
  const minorDigits = raw.currency.minorDigits;
  if (typeof minorDigits !== 'number' || !Number.isInteger(minorDigits) || minorDigits < 0 || minorDigits > 4) {
    fail('currency.minorDigits', 'must be an integer from 0 to 4');
  }
  const digits = minorDigits as number;
  // Amounts are read with these digits: a wrong value scales every order by a power of ten.
  const nonIso = raw.currency.nonIsoMinorDigits ?? false;
  if (typeof nonIso !== 'boolean') fail('currency.nonIsoMinorDigits', 'must be true or false');
  const iso = isoMinorDigits(code as string);
  if (!nonIso && iso === undefined) fail('currency.code', `${JSON.stringify(code)} is not an ISO 4217 currency with a minor unit; set "nonIsoMinorDigits": true to use it anyway`);
  if (!nonIso && iso !== digits) fail('currency.minorDigits', `is ${digits} but ISO 4217 gives ${code as string} ${iso}; set "nonIsoMinorDigits": true if ${digits} is meant`);

  const money = (field: string, v: unknown): bigint => {
    if (typeof v !== 'string') return fail(field, 'must be a decimal string in major units, e.g. "100000000.00"');
    try {
      return majorToMinorBig(v, digits);
    } catch (e) {
      return fail(field, (e as Error).message);
    }
  };
  const targetMinor = money('target', raw.target);

  const ms = raw.milestones;
  if (ms !== undefined && (!Array.isArray(ms) || ms.length > 100)) return fail('milestones', 'must be an array of at most 100 decimal strings');
  let milestonesMinor: bigint[];
  if (ms === undefined) {
    const ladder = DEFAULT_MILESTONES_MAJOR[code as string] ?? DEFAULT_MILESTONES_MAJOR['*']!;
    milestonesMinor = ladder.map((m) => BigInt(m) * 10n ** BigInt(digits));
  } else {
    milestonesMinor = ms.map((m, i) => money(`milestones[${i}]`, m));
    for (let i = 1; i < milestonesMinor.length; i++) {
      if (milestonesMinor[i]! <= milestonesMinor[i - 1]!) fail(`milestones[${i}]`, 'must be greater than the one before');
    }
  }

  const map = raw.map ?? defaultMap(code as string);
  if (typeof map !== 'string' || !(MAP_KINDS as readonly string[]).includes(map)) fail('map', `must be one of ${MAP_KINDS.map((m) => `"${m}"`).join(', ')}`);

  const fs = raw.flashSkus ?? [];
  if (!Array.isArray(fs) || fs.length > 20) return fail('flashSkus', 'must be an array of at most 20 {"sku", "name", "stock"} objects');
  const flashSkus: FlashSku[] = fs.map((f: unknown, i) => {
    const at = `flashSkus[${i}]`;
    if (!isRecord(f)) return fail(at, 'must be an object like {"sku": "phone-1", "name": "Phone 15 Pro", "stock": 5000}');
    checkKeys(f, KEYS.flashSku, `${at}.`, fail);
    if (typeof f.sku !== 'string' || !SKU.test(f.sku)) fail(`${at}.sku`, 'must be a token of 1–64 characters [A-Za-z0-9_.:-], as orders carry it');
    if (typeof f.name !== 'string' || f.name.trim() === '' || f.name.length > 60) fail(`${at}.name`, 'must be a non-empty string of at most 60 characters');
    if (typeof f.stock !== 'number' || !Number.isSafeInteger(f.stock) || f.stock < 1) fail(`${at}.stock`, 'must be an integer ≥ 1');
    return { sku: f.sku as string, name: f.name as string, stock: f.stock as number };
  });
  const skus = new Set<string>();
  flashSkus.forEach((f, i) => {
    if (skus.has(f.sku)) fail(`flashSkus[${i}].sku`, `repeats ${JSON.stringify(f.sku)}`);
    skus.add(f.sku);
  });

  let lastYearMinor: bigint | null = null;
  let lastYearCurve: [number, bigint][] = [];
  if (raw.lastYear !== undefined) {
    const ly = raw.lastYear;
    if (!isRecord(ly)) return fail('lastYear', 'must be an object like {"total": "684000000.00", "curve": [[0, "0"], [71, "10000000.00"], ...]}');
    checkKeys(ly, KEYS.lastYear, 'lastYear.', fail);
    lastYearMinor = money('lastYear.total', ly.total);
    const curve = ly.curve ?? [];
    if (!Array.isArray(curve) || curve.length > 20_000) return fail('lastYear.curve', 'must be an array of at most 20,000 [seconds after T0, cumulative GMV] pairs');
    lastYearCurve = curve.map((p: unknown, i): [number, bigint] => {
      const at = `lastYear.curve[${i}]`;
      if (!Array.isArray(p) || p.length !== 2) return fail(at, 'must be a pair [seconds after T0, "cumulative GMV"]');
      const sec = p[0];
      if (typeof sec !== 'number' || !Number.isInteger(sec) || sec < 0 || sec > 7 * 86_400) fail(`${at}[0]`, 'must be whole seconds after T0, 0 to 604800');
      return [sec as number, money(`${at}[1]`, p[1])];
    });
    for (let i = 1; i < lastYearCurve.length; i++) {
      if (lastYearCurve[i]![0] <= lastYearCurve[i - 1]![0]) fail(`lastYear.curve[${i}][0]`, 'must be later than the point before');
      if (lastYearCurve[i]![1] < lastYearCurve[i - 1]![1]) fail(`lastYear.curve[${i}][1]`, 'must not be below the point before (the curve is cumulative)');
    }
    const lastPoint = lastYearCurve[lastYearCurve.length - 1];
    if (lastPoint && lastPoint[1] > lastYearMinor) fail('lastYear.curve', 'ends above lastYear.total');
    // Passing last year's total is detected like any milestone: exact, with the crossing order's time.
    if (lastYearMinor > 0n && !milestonesMinor.includes(lastYearMinor)) {
      milestonesMinor = [...milestonesMinor, lastYearMinor].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
  }

  return {
    name: name as string,
    t0Ms,
    timeZone: timeZone as string,
    currency: code as string,
    minorDigits: digits,
    locale: locale as string,
    targetMinor,
    milestonesMinor,
    map: map as MapKind,
    flashSkus,
    lastYearMinor,
    lastYearCurve,
  };
}

function lastYearInfo(e: EventDefinition): LastYear | null {
  if (e.lastYearMinor === null) return null;
  return { totalMinor: e.lastYearMinor.toString(), curve: e.lastYearCurve.map(([s, v]) => [s, v.toString()]) };
}

export function eventInfo(e: EventDefinition): EventInfo {
  return {
    name: e.name,
    t0Ms: e.t0Ms,
    timeZone: e.timeZone,
    currency: e.currency,
    minorDigits: e.minorDigits,
    locale: e.locale,
    targetMinor: e.targetMinor.toString(),
    map: e.map,
    flashSkus: e.flashSkus.map((f) => ({ ...f })),
    lastYear: lastYearInfo(e),
  };
}
