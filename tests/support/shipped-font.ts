/**
 * The font the wall ships (@fontsource/noto-sans-sc), for synthetic test pages: `@font-face` rules
 * with the needed unicode-range slices inlined as data: URLs, so a page made with setContent()
 * renders the same on every machine whatever fonts it has installed (a machine with only DejaVu
 * renders the system `sans-serif` wider than one with Liberation, and text measurements drift).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';

export const SHIPPED_FAMILY = 'Noto Sans SC';
const DIR = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'));

interface Face {
  weight: number;
  file: string;
  ranges: [number, number][];
}

const faces = new Map<number, Face[]>();

function facesOf(weight: number): Face[] {
  let list = faces.get(weight);
  if (!list) {
    const css = readFileSync(join(DIR, `${weight}.css`), 'utf8');
    list = [...css.matchAll(/src: url\(\.\/(files\/[^)]+\.woff2)\)[^;]*;\s*unicode-range: ([^;]+);/g)].map((m) => ({
      weight,
      file: m[1]!,
      ranges: m[2]!.split(',').map((r) => {
        const [a, b] = r.trim().slice(2).split('-');
        return [parseInt(a!, 16), parseInt(b ?? a!, 16)] as [number, number];
      }),
    }));
    if (list.length === 0) throw new Error(`no @font-face with unicode-range in ${weight}.css`);
    faces.set(weight, list);
  }
  return list;
}

/**
 * `@font-face` rules for the slices that cover `text` in each weight. Throws when a character
 * (other than whitespace) is in no slice: the page would fall back to an installed font.
 */
export function shippedFontCss(text: string, weights: readonly number[] = [400, 700]): string {
  const rules: string[] = [];
  for (const w of weights) {
    const used = new Set<Face>();
    for (const ch of new Set(text)) {
      if (/\s/.test(ch)) continue;
      const cp = ch.codePointAt(0)!;
      const face = facesOf(w).find((f) => f.ranges.some(([a, b]) => cp >= a && cp <= b));
      if (!face) throw new Error(`"${ch}" (U+${cp.toString(16)}) is not in the shipped font: a test page would use an installed one`);
      used.add(face);
    }
    for (const f of used) {
      const data = readFileSync(join(DIR, f.file)).toString('base64');
      const range = f.ranges.map(([a, b]) => (a === b ? `U+${a.toString(16)}` : `U+${a.toString(16)}-${b.toString(16)}`)).join(',');
      rules.push(
        `@font-face { font-family: '${SHIPPED_FAMILY}'; font-weight: ${w}; font-style: normal; font-display: block; src: url(data:font/woff2;base64,${data}) format('woff2'); unicode-range: ${range}; }`,
      );
    }
  }
  return rules.join('\n');
}

/** Waits until the shipped font is loaded for all text on the page, in both weights. */
export async function shippedFontReady(page: Page): Promise<void> {
  await page.evaluate(async (family) => {
    const text = document.body.textContent ?? '';
    await Promise.all([400, 700].map((w) => document.fonts.load(`${w} 16px '${family}'`, text)));
    await document.fonts.ready;
  }, SHIPPED_FAMILY);
}
