// Types of the geo modules that build/geo-plugin.ts generates at build time (see there).
// Load them only with a dynamic import(): each is its own chunk, kept out of the wall's main JS.

declare namespace WarroomGeo {
  type Position = [number, number];
  interface RegionProperties {
    /** Chinese name, e.g. 广东. */
    zh: string;
    /** English name, e.g. Guangdong. */
    en: string;
    /** A point well inside the region (its largest part) for labels: [lng, lat]. */
    label: Position;
  }
  type RegionGeometry = { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
  interface RegionFeature {
    type: 'Feature';
    /**
     * ISO 3166-2 code, e.g. CN-GD or US-CA; on the world map ISO 3166-1 alpha-2 (CN, US, XK for
     * Kosovo), or `_`-led for outline-only shapes no code matches (_NCY, _SOL).
     */
    id: string;
    properties: RegionProperties;
    geometry: RegionGeometry;
  }
  interface RegionCollection {
    type: 'FeatureCollection';
    features: RegionFeature[];
  }
  interface GeoModule {
    /** The region codes of the map (ISO 3166-2; alpha-2 for world), sorted. */
    ids: string[];
    default: RegionCollection;
  }
}

declare module 'virtual:warroom-geo/china' {
  /** The 34 provincial-level divisions of China, CN-AH ... CN-ZJ (Taiwan, Hong Kong, Macau included). */
  export const ids: string[];
  const collection: WarroomGeo.RegionCollection;
  export default collection;
}

declare module 'virtual:warroom-geo/usa' {
  /** The 50 states and DC, US-AK ... US-WY. */
  export const ids: string[];
  const collection: WarroomGeo.RegionCollection;
  export default collection;
}

declare module 'virtual:warroom-geo/world' {
  /**
   * The countries of Natural Earth 1:110m by ISO 3166-1 alpha-2 (AE ... ZW, XK for Kosovo), no
   * Antarctica, then the outline-only `_NCY` (Northern Cyprus) and `_SOL` (Somaliland).
   */
  export const ids: string[];
  const collection: WarroomGeo.RegionCollection;
  export default collection;
}
