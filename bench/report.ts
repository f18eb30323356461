/** The printed table: one row per figure, with its (informational) target next to it. */

export interface Row {
  phase: string;
  figure: string;
  value: string;
  /** Informational target; empty when there is none. */
  target: string;
  /** Whether the target was met; null when there is no target or no figure. */
  met: boolean | null;
}

export const int = (n: number): string => Math.round(n).toLocaleString('en-US');
export const pct = (n: number | null): string => (n === null ? 'n/a' : `${n.toFixed(0)}%`);
export const ms = (n: number | null): string => (n === null ? 'n/a' : `${Math.round(n)} ms`);
export const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

export function row(phase: string, figure: string, value: string, target = '', met: boolean | null = null): Row {
  return { phase, figure, value, target, met };
}

export function formatTable(rows: Row[]): string {
  const cells = rows.map((r) => [
    r.phase,
    r.figure,
    r.value,
    r.target ? `${r.target}${r.met === null ? '' : r.met ? '  (met)' : '  (NOT met)'}` : '',
  ]);
  const head = ['phase', 'figure', 'value', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}
