/** The event definition file: parsed and validated at start, with errors that name the field. */
import { majorToMinorBig } from '../shared/money';
import type { EventInfo } from '../shared/domain';

/** The validated event, with money in BigInt minor units. */
export interface EventDefinition {
  name: string;
  t0Ms: number;
  timeZone: string;
  currency: string;
  minorDigits: number;
  locale: string;
  targetMinor: bigint;
  /** Ascending, distinct. */
  milestonesMinor: bigint[];
}

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

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
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
  if (locale !== 'zh-CN' && locale !== 'en') fail('locale', 'must be "zh-CN" or "en"');

  if (!isRecord(raw.currency)) return fail('currency', 'must be an object like {"code": "CNY", "minorDigits": 2}');
  const code = raw.currency.code;
  if (typeof code !== 'string' || !/^[A-Z]{3}$/.test(code)) fail('currency.code', 'must be an ISO 4217 code such as "CNY"');
  const minorDigits = raw.currency.minorDigits;
  if (typeof minorDigits !== 'number' || !Number.isInteger(minorDigits) || minorDigits < 0 || minorDigits > 4) {
    fail('currency.minorDigits', 'must be an integer from 0 to 4');
  }
  const digits = minorDigits as number;

  const money = (field: string, v: unknown): bigint => {
    if (typeof v !== 'string') return fail(field, 'must be a decimal string in major units, e.g. "100000000.00"');
    try {
      return majorToMinorBig(v, digits);
    } catch (e) {
      return fail(field, (e as Error).message);
    }
  };
  const targetMinor = money('target', raw.target);

  const ms = raw.milestones ?? [];
  if (!Array.isArray(ms) || ms.length > 100) return fail('milestones', 'must be an array of at most 100 decimal strings');
  const milestonesMinor = ms.map((m, i) => money(`milestones[${i}]`, m));
  for (let i = 1; i < milestonesMinor.length; i++) {
    if (milestonesMinor[i]! <= milestonesMinor[i - 1]!) fail(`milestones[${i}]`, 'must be greater than the one before');
  }

  return { name: name as string, t0Ms, timeZone: timeZone as string, currency: code as string, minorDigits: digits, locale: locale as string, targetMinor, milestonesMinor };
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
  };
}
