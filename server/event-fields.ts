/**
 * The parts of the event file that have their own shape (currency, milestones, flash SKUs, last
 * year), each validated by one function that names the failing field through `fail`.
 */
import { majorToMinorBig } from '../shared/money';
import type { FlashSku } from '../shared/domain';
import { isRecord } from '../shared/dict';
import { isoMinorDigits } from './iso4217';

/** Stops the parse with "<field> <why>" (throws). */
export type Fail = (field: string, why: string) => never;
/** Reads a decimal string in major units as BigInt minor units, or fails naming the field. */
export type Money = (field: string, v: unknown) => bigint;

/**
 * Milestones when the event file lists none, in major units: round figures the room cheers for.
 * CNY uses the 千万/亿 steps of a Double 11 screen; other currencies a 1-2-5 ladder.
 */
export const DEFAULT_MILESTONES_MAJOR: Record<string, number[]> = {
  CNY: [10_000_000, 100_000_000, 200_000_000, 500_000_000, 1_000_000_000, 2_000_000_000, 5_000_000_000, 10_000_000_000],
  JPY: [100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000],
  '*': [1_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000, 200_000_000, 500_000_000, 1_000_000_000],
};

const SKU = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The keys each object of the file may have: anything else is a typo that would silently fall back to a default. */
export const KEYS = {
  '': ['name', 't0', 'timeZone', 'locale', 'currency', 'target', 'milestones', 'map', 'flashSkus', 'lastYear'],
  currency: ['code', 'minorDigits', 'nonIsoMinorDigits'],
  flashSku: ['sku', 'name', 'stock'],
  lastYear: ['total', 'curve'],
} as const;

/** Fails on the first key of `obj` not in `allowed`, naming it (with a suggestion when only its case differs). */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], at: string, fail: Fail): void {
  for (const k of Object.keys(obj)) {
    if (allowed.includes(k)) continue;
    const near = allowed.find((a) => a.toLowerCase() === k.toLowerCase());
    fail(`${at}${k}`, `is not a known key${near ? ` (did you mean "${near}"?)` : `; known keys: ${allowed.join(', ')}`}`);
  }
}

export function parseCurrency(c: unknown, fail: Fail): { code: string; digits: number } {
  if (!isRecord(c)) return fail('currency', 'must be an object like {"code": "CNY", "minorDigits": 2}');
  checkKeys(c, KEYS.currency, 'currency.', fail);
  const code = c.code;
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) return fail('currency.code', 'must be an ISO 4217 code such as "CNY"');
  const digits = c.minorDigits;
  if (typeof digits !== 'number' || !Number.isInteger(digits) || digits < 0 || digits > 4)
    return fail('currency.minorDigits', 'must be an integer from 0 to 4');
  // Amounts are read with these digits: a wrong value scales every order by a power of ten.
  const nonIso = c.nonIsoMinorDigits ?? false;
  if (typeof nonIso !== 'boolean') fail('currency.nonIsoMinorDigits', 'must be true or false');
  const iso = isoMinorDigits(code);
  if (!nonIso && iso === undefined)
    fail(
      'currency.code',
      `${JSON.stringify(code)} is not an ISO 4217 currency with a minor unit; set "nonIsoMinorDigits": true to use it anyway`,
    );
  if (!nonIso && iso !== digits)
    fail('currency.minorDigits', `is ${digits} but ISO 4217 gives ${code} ${iso}; set "nonIsoMinorDigits": true if ${digits} is meant`);
  return { code, digits };
}

export function moneyReader(digits: number, fail: Fail): Money {
  return (field, v) => {
    if (typeof v !== 'string') return fail(field, 'must be a decimal string in major units, e.g. "100000000.00"');
    try {
      return majorToMinorBig(v, digits);
    } catch (e) {
      return fail(field, (e as Error).message);
    }
  };
}

/** The file's milestones, ascending and distinct, or the currency's default ladder. */
export function parseMilestones(ms: unknown, code: string, digits: number, money: Money, fail: Fail): bigint[] {
  if (ms !== undefined && (!Array.isArray(ms) || ms.length > 100))
    return fail('milestones', 'must be an array of at most 100 decimal strings');
  if (ms === undefined) {
    const ladder = DEFAULT_MILESTONES_MAJOR[code] ?? DEFAULT_MILESTONES_MAJOR['*']!;
    return ladder.map((m) => BigInt(m) * 10n ** BigInt(digits));
  }
  const out = ms.map((m: unknown, i) => money(`milestones[${i}]`, m));
  for (let i = 1; i < out.length; i++) {
    if (out[i]! <= out[i - 1]!) fail(`milestones[${i}]`, 'must be greater than the one before');
  }
  return out;
}

export function parseFlashSkus(raw: unknown, fail: Fail): FlashSku[] {
  const fs = raw ?? [];
  if (!Array.isArray(fs) || fs.length > 20) return fail('flashSkus', 'must be an array of at most 20 {"sku", "name", "stock"} objects');
  const flashSkus: FlashSku[] = fs.map((f: unknown, i) => {
    const at = `flashSkus[${i}]`;
    if (!isRecord(f)) return fail(at, 'must be an object like {"sku": "phone-1", "name": "Phone 15 Pro", "stock": 5000}');
    checkKeys(f, KEYS.flashSku, `${at}.`, fail);
    if (typeof f.sku !== 'string' || !SKU.test(f.sku))
      fail(`${at}.sku`, 'must be a token of 1–64 characters [A-Za-z0-9_.:-], as orders carry it');
    if (typeof f.name !== 'string' || f.name.trim() === '' || f.name.length > 60)
      fail(`${at}.name`, 'must be a non-empty string of at most 60 characters');
    if (typeof f.stock !== 'number' || !Number.isSafeInteger(f.stock) || f.stock < 1) fail(`${at}.stock`, 'must be an integer ≥ 1');
    return { sku: f.sku as string, name: f.name as string, stock: f.stock as number };
  });
  const skus = new Set<string>();
  flashSkus.forEach((f, i) => {
    if (skus.has(f.sku)) fail(`flashSkus[${i}].sku`, `repeats ${JSON.stringify(f.sku)}`);
    skus.add(f.sku);
  });
  return flashSkus;
}

/** Last year's total and cumulative curve by seconds after T0 (ascending, never falling, ending at or below the total). */
export function parseLastYear(ly: unknown, money: Money, fail: Fail): { totalMinor: bigint; curve: [number, bigint][] } {
  if (!isRecord(ly))
    return fail('lastYear', 'must be an object like {"total": "684000000.00", "curve": [[0, "0"], [71, "10000000.00"], ...]}');
  checkKeys(ly, KEYS.lastYear, 'lastYear.', fail);
  const totalMinor = money('lastYear.total', ly.total);
  const raw = ly.curve ?? [];
  if (!Array.isArray(raw) || raw.length > 20_000)
    return fail('lastYear.curve', 'must be an array of at most 20,000 [seconds after T0, cumulative GMV] pairs');
  const curve = raw.map((p: unknown, i): [number, bigint] => {
    const at = `lastYear.curve[${i}]`;
    if (!Array.isArray(p) || p.length !== 2) return fail(at, 'must be a pair [seconds after T0, "cumulative GMV"]');
    const sec = p[0];
    if (typeof sec !== 'number' || !Number.isInteger(sec) || sec < 0 || sec > 7 * 86_400)
      fail(`${at}[0]`, 'must be whole seconds after T0, 0 to 604800');
    return [sec as number, money(`${at}[1]`, p[1])];
  });
  for (let i = 1; i < curve.length; i++) {
    if (curve[i]![0] <= curve[i - 1]![0]) fail(`lastYear.curve[${i}][0]`, 'must be later than the point before');
    if (curve[i]![1] < curve[i - 1]![1]) fail(`lastYear.curve[${i}][1]`, 'must not be below the point before (the curve is cumulative)');
  }
  const lastPoint = curve[curve.length - 1];
  if (lastPoint && lastPoint[1] > totalMinor) fail('lastYear.curve', 'ends above lastYear.total');
  return { totalMinor, curve };
}
