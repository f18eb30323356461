// Which map region a producer's region code counts for. The china and usa maps draw ISO 3166-2
// subdivisions, so a code is its own region; the world map draws countries, so every code counts
// for its country: the part before the first `-` (`GB-LND` -> GB), or the whole code when it has
// none (`GB`). Pure functions, no geometry: the widget and the tests share them.

import type { MapKind } from '../shared/domain';
import { NONE_KEY, OTHER_KEY } from '../shared/wire';

/** The event's map kinds (shared/domain.ts `MAP_KINDS`), under the name the map widget uses. */
export type RegionMapKind = MapKind;

/** The country of an ISO 3166-2 code (`US-CA` -> US) or of a bare country code (`US` -> US). */
export function countryOf(code: string): string {
  const i = code.indexOf('-');
  return i < 0 ? code : code.slice(0, i);
}

/** The map region a code is drawn on, for a map kind. */
export function regionKeyFor(map: RegionMapKind): (code: string) => string {
  return map === 'world' ? countryOf : (code) => code;
}

/**
 * Heat per map region: the values summed by `key`. Only finite positive numbers count (a bad or
 * negative value is 0, as on the other maps); regions with nothing are absent.
 */
export function aggregateValues(values: Readonly<Record<string, number>>, key: (code: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const code in values) {
    const v = values[code];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) continue;
    const k = key(code);
    out.set(k, (out.get(k) ?? 0) + v);
  }
  return out;
}

/** Codes to map regions, first occurrence kept, order kept (`US-CA`, `GB-LND`, `US-NY` -> US, GB). */
export function distinctRegions(codes: readonly string[], key: (code: string) => string): string[] {
  return [...new Set(codes.map(key))];
}

/**
 * What a region map shows from the region breakdown: GMV heat per region code (a float: colour only,
 * the exact figures are in the rankings) and the top `labelCount` regions to name. The `(none)` and
 * `(other)` sums are not regions.
 */
export function regionHeat(
  rows: readonly { key: string; gmvMinor: string }[],
  labelCount = 5,
): { values: Record<string, number>; labelled: string[] } {
  const named = rows.filter((r) => r.key !== NONE_KEY && r.key !== OTHER_KEY);
  return {
    values: Object.fromEntries(named.map((r) => [r.key, Number(r.gmvMinor)])),
    labelled: named.slice(0, labelCount).map((r) => r.key),
  };
}
