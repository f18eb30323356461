/**
 * Every glyph a screen can need during an outage, loaded while the server is still there.
 *
 * The CJK font (@fontsource/noto-sans-sc, app.css) comes in ~100 `unicode-range` slices per weight,
 * and the browser fetches a slice the first time a character in it is drawn. A string first drawn
 * during an outage ("数据停滞于", "35秒前") needs slices the dead server can no longer send, so the
 * browser draws a fallback glyph: "数据停☒于" exactly when the wall must be clear. So at start the
 * page loads, in both weights it uses, the slices for every label in client/i18n.ts (both
 * languages: the event may switch) plus the digits and symbols the formatters use. About 1 MB of
 * font in ~35 files, most of which the screen loads anyway; fetched once (the assets are immutable).
 * Producer-supplied text (names, regions) only changes while the server is up, so it is not included.
 */
import { labels } from './i18n';

/** What the formatters add to labels: digits, separators, signs, currency symbols, CJK units. */
const FIGURES = '0123456789 :.,%+-−—–·…/()[]#¥$€£万亿⚠';

/** Every character the screens can show without new data, once each. */
export function screenText(): string {
  const all = [FIGURES, ...Object.values(labels('zh-CN')), ...Object.values(labels('en'))].join('');
  return [...new Set(all)].join('');
}

export const FONT_FAMILY = 'Noto Sans SC';
/** The weights app.css imports. */
export const FONT_WEIGHTS = [400, 700] as const;

/** Loads the font slices for screenText() in every weight; resolves when done (never rejects). */
export async function preloadGlyphs(fonts: FontFaceSet | undefined = globalThis.document?.fonts): Promise<void> {
  if (!fonts) return;
  const text = screenText();
  try {
    await Promise.all(FONT_WEIGHTS.map((w) => fonts.load(`${w} 16px "${FONT_FAMILY}"`, text)));
  } catch {
    // A slice that fails to load now only falls back to a system font, as it would have anyway.
  }
}
