/**
 * uPlot behind one attachment: the chart is created once, fed with `setData` whenever the data
 * version changes, resized with its box, and destroyed with its element. Never re-created per update.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Attachment } from 'svelte/attachments';

export interface ChartFeed {
  /** Builds the options for a box of this size (CSS px) and design-pixel scale. */
  options(width: number, height: number, scale: number): uPlot.Options;
  /** Reactive read: the data to show. Must read the reactive version it depends on. */
  data(): uPlot.AlignedData;
}

/** Design pixels of the wall canvas (1080p) that the chart's fonts and spacing are given in. */
const DESIGN_HEIGHT = 1080;

/**
 * @param minIntervalMs redraws at most this often: the data is per second and ticks come at 10 Hz,
 *   so redrawing a night of points on every tick would only burn the wall PC's CPU. @default 500
 */
export function uplotChart(feed: ChartFeed, minIntervalMs = 500): Attachment<HTMLElement> {
  return (node) => {
    let chart: uPlot | null = null;
    let lastDrawMs = 0;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const make = (w: number, h: number): void => {
      // One design pixel in CSS px: the wall canvas's height over 1080 (1 elsewhere).
      const canvas = node.closest<HTMLElement>('[data-testid="canvas"]');
      const scale = canvas ? canvas.clientHeight / DESIGN_HEIGHT : 1;
      chart = new uPlot(feed.options(w, h, scale), feed.data(), node);
    };
    const ro = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      if (width < 2 || height < 2) return;
      if (!chart) make(width, height);
      else if (Math.abs(chart.width - width) > 1 || Math.abs(chart.height - height) > 1) {
        // Font sizes are baked into the options, so a new scale needs new options: rare (screen change).
        chart.destroy();
        make(width, height);
      }
    });
    ro.observe(node);
    $effect(() => {
      const d = feed.data();
      if (pending !== undefined) return; // a redraw is already scheduled; it will read the newest data
      const wait = Math.max(0, lastDrawMs + minIntervalMs - performance.now());
      pending = setTimeout(() => {
        pending = undefined;
        lastDrawMs = performance.now();
        chart?.setData(d);
      }, wait);
    });
    return () => {
      clearTimeout(pending);
      ro.disconnect();
      chart?.destroy();
      chart = null;
    };
  };
}
