/**
 * uPlot behind one attachment, for the wall's and the executive view's charts: the chart is
 * created once, fed with `setData` (throttled) whenever the data version changes, resized with its
 * box, and destroyed with its element. Never re-created per update. What a chart does besides
 * drawing its series (zoom, pan, touch, crosshair, outage shading, a peak line) comes as uPlot
 * plugins (client/charts/plugins/), in `plugins` here or in the options.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Attachment } from 'svelte/attachments';

export interface ChartFeed {
  /**
   * Options for a box of this size in CSS px; `scale` is one wall design pixel in CSS px (the wall
   * canvas's height over 1080; 1 off the wall).
   */
  options(width: number, height: number, scale: number): uPlot.Options;
  /** Reactive: read what the data depends on (a version number). Called in an effect. */
  version(): unknown;
  /** Builds the data; called untracked, at most once per `minIntervalMs`. */
  data(): uPlot.AlignedData;
  /** Added to the options' own plugins: the interactive behaviour. */
  plugins?: uPlot.Plugin[];
  /**
   * Reactive, optional: the x range to show (a zoom window, the whole night). Applied at once when
   * it changes and with every redraw; without it uPlot fits x to the data.
   */
  xRange?(): { min: number; max: number };
  /**
   * How a new box size is met: `resize` keeps the chart (its options do not depend on the size),
   * `rebuild` makes it again from new options (font sizes baked in for the wall's scale).
   */
  onResize: 'resize' | 'rebuild';
  /**
   * Redraws at most this often: the data is per second and ticks come at 10 Hz, so redrawing a
   * night of points on every tick would only burn the wall PC's CPU. @default 500
   */
  minIntervalMs?: number;
}

/** Design pixels of the wall canvas (1080p) that the chart's fonts and spacing are given in. */
const DESIGN_HEIGHT = 1080;

export function uplotChart(feed: ChartFeed): Attachment<HTMLElement> {
  return (node) => {
    const minIntervalMs = feed.minIntervalMs ?? 500;
    let chart: uPlot | null = null;
    let lastDrawMs = 0;
    let pending: ReturnType<typeof setTimeout> | undefined;

    const applyRange = (u: uPlot, r: { min: number; max: number }): void => u.batch(() => u.setScale('x', { min: r.min, max: r.max }));
    const make = (w: number, h: number): uPlot => {
      const canvas = node.closest<HTMLElement>('[data-testid="canvas"]');
      const scale = canvas ? canvas.clientHeight / DESIGN_HEIGHT : 1;
      const opts = feed.options(w, h, scale);
      const u = new uPlot({ ...opts, plugins: [...(opts.plugins ?? []), ...(feed.plugins ?? [])] }, feed.data(), node);
      lastDrawMs = performance.now();
      if (feed.xRange) applyRange(u, feed.xRange());
      return u;
    };
    const redraw = (): void => {
      const u = chart;
      if (!u) return;
      lastDrawMs = performance.now();
      const d = feed.data();
      if (!feed.xRange) {
        u.setData(d);
        return;
      }
      const r = feed.xRange();
      u.batch(() => {
        u.setData(d, false);
        u.setScale('x', { min: r.min, max: r.max });
      });
    };

    const ro = new ResizeObserver(([entry]) => {
      if (!entry) return;
      const { width, height } = entry.contentRect;
      if (width < 2 || height < 2) return;
      const whole = feed.onResize === 'resize';
      if (!chart) chart = whole ? make(Math.floor(width), Math.floor(height)) : make(width, height);
      else if (Math.abs(chart.width - width) > 1 || Math.abs(chart.height - height) > 1) {
        if (whole) chart.setSize({ width: Math.floor(width), height: Math.floor(height) });
        else {
          // Font sizes are baked into the options, so a new scale needs new options: rare (screen change).
          chart.destroy();
          chart = make(width, height);
        }
      }
    });
    ro.observe(node);

    // New data: at most once per interval; the redraw reads the newest data.
    $effect(() => {
      void feed.version();
      if (pending !== undefined) return;
      const wait = Math.max(0, lastDrawMs + minIntervalMs - performance.now());
      pending = setTimeout(() => {
        pending = undefined;
        redraw();
      }, wait);
    });
    // A new x window (zoom, pan, reset, the night growing): at once.
    $effect(() => {
      if (!feed.xRange) return;
      const r = feed.xRange();
      const u = chart;
      if (u && (u.scales.x?.min !== r.min || u.scales.x?.max !== r.max)) applyRange(u, r);
    });

    return () => {
      clearTimeout(pending);
      ro.disconnect();
      chart?.destroy();
      chart = null;
    };
  };
}
