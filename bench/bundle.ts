/**
 * Phase (c): what /wall costs to load. Gzip (zlib level 9) sizes of the files the built
 * dist/client/index.html references: JavaScript (module scripts and modulepreload links) and,
 * separately, CSS, and the chunks loaded on demand (the map). Fonts the CSS pulls in lazily
 * (unicode-range subsets) are not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface AssetSize {
  path: string;
  bytes: number;
  gzipBytes: number;
}

export interface BundleResult {
  js: AssetSize[];
  css: AssetSize[];
  jsGzipBytes: number;
  cssGzipBytes: number;
  /** Chunks loaded on demand (map geometry per map kind, d3-geo). */
  lazy: AssetSize[];
  /** What the wall loads in all with the China map: the initial JS plus d3-geo and the China chunk. */
  wallWithMapGzipBytes: number;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`\\s${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];

function size(clientDir: string, href: string): AssetSize {
  const buf = readFileSync(join(clientDir, href.replace(/^\//, '').split(/[?#]/)[0]!));
  return { path: href, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
}

export function measureBundle(clientDir = 'dist/client'): BundleResult {
  const html = readFileSync(join(clientDir, 'index.html'), 'utf8');
  const js = new Set<string>();
  const css = new Set<string>();
  for (const tag of html.match(/<script\b[^>]*>/gi) ?? []) {
    const src = attr(tag, 'src');
    if (src) js.add(src);
  }
  for (const tag of html.match(/<link\b[^>]*>/gi) ?? []) {
    const rel = attr(tag, 'rel')?.toLowerCase();
    const href = attr(tag, 'href');
    if (!href) continue;
    if (rel === 'modulepreload') js.add(href);
    else if (rel === 'stylesheet') css.add(href);
  }
  const jsSizes = [...js].map((h) => size(clientDir, h));
  const cssSizes = [...css].map((h) => size(clientDir, h));
  const sum = (a: AssetSize[]): number => a.reduce((s, x) => s + x.gzipBytes, 0);
  const lazy = readdirSync(join(clientDir, 'assets'))
    .filter((f) => f.endsWith('.js') && !js.has(`/assets/${f}`) && !js.has(`./assets/${f}`) && !js.has(`assets/${f}`))
    .map((f) => size(clientDir, `/assets/${f}`));
  const forWall = lazy.filter((a) => /\/(china|d3-geo)-[^/]*\.js$/.test(a.path));
  return {
    js: jsSizes,
    css: cssSizes,
    jsGzipBytes: sum(jsSizes),
    cssGzipBytes: sum(cssSizes),
    lazy,
    wallWithMapGzipBytes: sum(jsSizes) + sum(forWall),
  };
}
