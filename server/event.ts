/** The event definition file: parsed and validated at start, with errors that name the field. */
import { isLocale, LOCALES, MAP_KINDS, type EventInfo, type FlashSku, type LastYear, type MapKind } from '../shared/domain';
import { checkKeys, KEYS, moneyReader, parseCurrency, parseFlashSkus, parseLastYear, parseMilestones, type Fail } from './event-fields';
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

/** Default map by currency: China for CNY, the US states for USD, China otherwise (`world` only when configured). */
function defaultMap(currency: string): MapKind {
  return currency === 'USD' ? 'usa' : 'china';
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
  const fail: Fail = (field, why) => {
    throw new EventFileError(`${source}: ${field} ${why}`);
  };
  if (!isRecord(raw)) return fail('(root)', 'must be a JSON object');
  checkKeys(raw, KEYS[''], '', fail);

  const name = raw.name;
  if (typeof name !== 'string' || name.trim() === '' || name.length > 120)
    fail('name', 'must be a non-empty string of at most 120 characters');

  const t0Text = t0Override ?? raw.t0;
  const t0Field = t0Override !== undefined ? 'WARROOM_T0' : 't0';
  if (typeof t0Text !== 'string') return fail(t0Field, 'must be a string: ISO 8601 with offset ("2026-11-11T00:00:00+08:00") or "now+60s"');
  const t0Ms = parseT0(t0Text, nowMs);
  if (t0Ms === null) return fail(t0Field, `is not ISO 8601 with an offset or "now+Ns": ${JSON.stringify(t0Text)}`);

  const timeZone = raw.timeZone ?? 'UTC';
  if (typeof timeZone !== 'string' || !validTimeZone(timeZone)) fail('timeZone', `is not an IANA time zone: ${JSON.stringify(timeZone)}`);

  const locale = raw.locale ?? 'zh-CN';
  if (!isLocale(locale)) fail('locale', `must be ${LOCALES.map((l) => `"${l}"`).join(' or ')}`);

  const { code, digits } = parseCurrency(raw.currency, fail);
  const money = moneyReader(digits, fail);
  const targetMinor = money('target', raw.target);
  let milestonesMinor = parseMilestones(raw.milestones, code, digits, money, fail);

  const map = raw.map ?? defaultMap(code);
  if (typeof map !== 'string' || !(MAP_KINDS as readonly string[]).includes(map))
    fail('map', `must be one of ${MAP_KINDS.map((m) => `"${m}"`).join(', ')}`);

  const flashSkus = parseFlashSkus(raw.flashSkus, fail);
  const lastYear = raw.lastYear === undefined ? null : parseLastYear(raw.lastYear, money, fail);
  // Passing last year's total is detected like any milestone: exact, with the crossing order's time.
  if (lastYear && lastYear.totalMinor > 0n && !milestonesMinor.includes(lastYear.totalMinor)) {
    milestonesMinor = [...milestonesMinor, lastYear.totalMinor].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  return {
    name: name as string,
    t0Ms,
    timeZone: timeZone as string,
    currency: code,
    minorDigits: digits,
    locale: locale as string,
    targetMinor,
    milestonesMinor,
    map: map as MapKind,
    flashSkus,
    lastYearMinor: lastYear?.totalMinor ?? null,
    lastYearCurve: lastYear?.curve ?? [],
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
