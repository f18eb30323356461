/**
 * What the rate charts draw besides their series, as uPlot plugins: source outages shaded under
 * the grid and the line, and a dashed horizontal line at a value (the night's peak). Both are part
 * of the chart's options, so the executive PNG export draws them too.
 */
import type uPlot from 'uplot';
import { shadeSpans } from '../outages';

/** Shades `spans()` (in the chart's x unit) across the plot, under the grid and the series. */
export function outageShading(spans: () => readonly [number, number][]): uPlot.Plugin {
  return { hooks: { drawClear: (u) => shadeSpans(u, spans()) } };
}

export interface ValueLine {
  /** The value to mark; nothing is drawn while it is not above 0. */
  value(): number;
  /** Line width and dash in CSS px (times the device pixel ratio when drawn). */
  width: number;
  dash: [number, number];
  /** Snap the line to whole canvas pixels (crisper on the executive charts). */
  round?: boolean;
}

/** A dashed gold line across the plot at `value()` on the y scale. */
export function valueLine(o: ValueLine): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const v = o.value();
        if (v <= 0) return;
        const pos = u.valToPos(v, 'y', true);
        const y = o.round ? Math.round(pos) : pos;
        const r = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = 'rgba(255, 210, 74, 0.8)';
        ctx.lineWidth = o.width * r;
        ctx.setLineDash([o.dash[0] * r, o.dash[1] * r]);
        ctx.beginPath();
        ctx.moveTo(u.bbox.left, y);
        ctx.lineTo(u.bbox.left + u.bbox.width, y);
        ctx.stroke();
        ctx.restore();
      },
    },
  };
}
