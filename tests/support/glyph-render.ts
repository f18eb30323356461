/**
 * How a page renders text, as pixels: each string drawn on a canvas in the page's own font stack
 * (body's font-family) and hashed. Comparing an offline page's hashes with a page that has loaded
 * every font slice the strings need shows any fallback glyph (a tofu box, a system font) without
 * relying on widths: a CJK tofu box is as wide as the ideograph it replaces.
 *
 * Canvas text never fetches a font slice by itself, so it shows exactly the font data the page
 * holds; the DOM would try to fetch a missing slice, fail offline, and fall back the same way.
 */
import type { Page } from 'playwright-core';

export interface GlyphSample {
  text: string;
  weight: 400 | 700;
}

/** One hash per sample, in order. */
export function glyphHashes(page: Page, samples: GlyphSample[]): Promise<string[]> {
  return page.evaluate((samples) => {
    const family = getComputedStyle(document.body).fontFamily;
    const c = document.createElement('canvas');
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    return samples.map(({ text, weight }) => {
      const font = `${weight} 32px ${family}`;
      ctx.font = font;
      c.width = Math.ceil(ctx.measureText(text).width) + 8;
      c.height = 48;
      ctx.font = font; // resizing resets the context
      ctx.fillStyle = '#000';
      ctx.textBaseline = 'alphabetic';
      ctx.fillText(text, 4, 36);
      const px = ctx.getImageData(0, 0, c.width, c.height).data;
      let h = 0x811c9dc5;
      for (let i = 3; i < px.length; i += 4) h = Math.imul(h ^ px[i]!, 0x01000193) >>> 0;
      return `${c.width}:${h.toString(16)}`;
    });
  }, samples);
}

/** Loads every slice of the page's font stack that `samples` need, in their weights. */
export async function loadAllGlyphs(page: Page, samples: GlyphSample[]): Promise<void> {
  await page.evaluate(async (samples) => {
    const family = getComputedStyle(document.body).fontFamily;
    for (const w of [400, 700]) {
      const text = samples
        .filter((s) => s.weight === w)
        .map((s) => s.text)
        .join('');
      if (text) await document.fonts.load(`${w} 32px ${family}`, text);
    }
  }, samples);
}
