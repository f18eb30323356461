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

/** @param designHeight the box height in design pixels (1080p canvas), to derive the font scale */
export function uplotChart(feed: ChartFeed, designHeight: number): Attachment<HTMLElement> {
  return (node) => {
    let chart: uPlot | null = null;
    const make = (w: number, h: number): void => {
      chart = new uPlot(feed.options(w, h, h / designHeight), feed.data(), node);
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
      chart?.setData(d);
    });
    return () => {
      ro.disconnect();
      chart?.destroy();
      chart = null;
    };
  };
}
