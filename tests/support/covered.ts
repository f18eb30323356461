/**
 * What overlay chips (the wall's data-age tabs) cover: every text ink box, chart canvas, SVG
 * shape and image inside the canvas that a chip's box intersects. Text is judged on its ink
 * (canvas measureText with the element's font, from the baseline), not its font box, which
 * reaches above and below the glyphs.
 */
import type { Page } from 'playwright-core';

/** One line per chip/content intersection: `<chip> covers <what> by w×h px`. Empty when nothing is covered. */
export function coveredByChips(page: Page, chipSelector: string, tolerancePx = 0.5): Promise<string[]> {
  return page.evaluate(
    ({ chipSelector, tol }) => {
      type Box = { l: number; t: number; r: number; b: number; what: string };
      const canvas = document.querySelector('[data-testid="canvas"]')!;
      const chips = [...document.querySelectorAll<HTMLElement>(chipSelector)];
      const inChip = (n: Node): boolean => chips.some((c) => c.contains(n));
      const ctx = document.createElement('canvas').getContext('2d')!;
      const boxes: Box[] = [];
      const walker = document.createTreeWalker(canvas, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const text = n.textContent ?? '';
        const el = n.parentElement!;
        if (!text.trim() || inChip(n) || el.closest('svg')) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden' || Number(cs.opacity) === 0) continue;
        ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const range = document.createRange();
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) {
          if (r.width === 0) continue;
          const m = ctx.measureText(text.trim());
          const baseline = r.top + m.fontBoundingBoxAscent;
          boxes.push({
            l: r.left,
            r: r.right,
            t: baseline - m.actualBoundingBoxAscent,
            b: baseline + m.actualBoundingBoxDescent,
            what: `text "${text.trim().slice(0, 30)}"`,
          });
        }
      }
      for (const el of canvas.querySelectorAll('canvas, img, svg text, svg path, svg circle, svg line, svg rect')) {
        if (inChip(el) || el.closest(chipSelector)) continue;
        const r = el.getBoundingClientRect();
        if (r.width > 0 || r.height > 0)
          boxes.push({
            l: r.left,
            r: r.right,
            t: r.top,
            b: r.bottom,
            what: el.tagName.toLowerCase() + (el.textContent?.trim() ? ` "${el.textContent.trim().slice(0, 30)}"` : ''),
          });
      }
      const out: string[] = [];
      for (const chip of chips) {
        const c = chip.getBoundingClientRect();
        for (const b of boxes) {
          const w = Math.min(c.right, b.r) - Math.max(c.left, b.l);
          const h = Math.min(c.bottom, b.b) - Math.max(c.top, b.t);
          if (w > tol && h > tol)
            out.push(`${chip.dataset.for ?? chip.className} chip covers ${b.what} by ${Math.round(w)}×${Math.round(h)} px`);
        }
      }
      return out;
    },
    { chipSelector, tol: tolerancePx },
  );
}
