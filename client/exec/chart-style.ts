/** Look of the executive charts' axes: 13 px text (legible on a laptop, ≥ 12 px on a phone). */
import type uPlot from 'uplot';

export const AXIS_FONT = "13px 'Noto Sans SC', system-ui, sans-serif";

export function axisStyle(): uPlot.Axis {
  return {
    stroke: '#c9d3e6',
    font: AXIS_FONT,
    grid: { stroke: 'rgba(255,255,255,0.08)', width: 1 },
    ticks: { show: true, stroke: 'rgba(255,255,255,0.18)', width: 1, size: 4 },
    gap: 6,
  };
}
