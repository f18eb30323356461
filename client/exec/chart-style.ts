/** Look of the executive charts' axes: 13 px text (legible on a laptop, ≥ 12 px on a phone). */
import type uPlot from 'uplot';

export const AXIS_FONT = "13px 'Noto Sans SC', system-ui, sans-serif";

export function axisStyle(fontPx = 13): uPlot.Axis {
  return {
    stroke: '#c9d3e6',
    font: fontPx === 13 ? AXIS_FONT : `${fontPx}px 'Noto Sans SC', system-ui, sans-serif`,
    grid: { stroke: 'rgba(255,255,255,0.08)', width: 1 },
    ticks: { show: true, stroke: 'rgba(255,255,255,0.18)', width: 1, size: 4 },
    gap: 6,
  };
}

/** A fill fading from `top` at the plot's top to `bottom` at its bottom (canvas px). */
export function verticalGradient(u: uPlot, top: string, bottom: string): CanvasGradient | string {
  const { top: y, height } = u.bbox;
  if (!(height > 0)) return top;
  const g = u.ctx.createLinearGradient(0, y, 0, y + height);
  g.addColorStop(0, top);
  g.addColorStop(1, bottom);
  return g;
}
