/**
 * The size of an element in CSS px and the wall's design-pixel scale, kept current by one
 * ResizeObserver: SVG charts draw in real pixels (crisp at 4K) with fonts given in design pixels.
 */
import type { Attachment } from 'svelte/attachments';

/** Design height of the wall canvas. */
const DESIGN_HEIGHT = 1080;

export class Box {
  width = $state(0);
  height = $state(0);
  /** CSS px per design pixel: the wall canvas's height over 1080 (1 outside the wall). */
  u = $state(1);

  readonly attach: Attachment<HTMLElement> = (node) => {
    const ro = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const canvas = node.closest<HTMLElement>('[data-testid="canvas"]');
      this.u = canvas ? canvas.clientHeight / DESIGN_HEIGHT : 1;
      this.width = entry.contentRect.width;
      this.height = entry.contentRect.height;
    });
    ro.observe(node);
    return () => ro.disconnect();
  };
}

/** A value that changes once a second, to redraw heavy things at 1 Hz instead of per tick. */
export class SecondTicker {
  now = $state(Date.now());

  readonly attach: Attachment<HTMLElement> = () => {
    const id = setInterval(() => (this.now = Date.now()), 1000);
    return () => clearInterval(id);
  };
}
