/**
 * How old the data on screen is, for the per-panel age chips: null while it is current. The socket
 * stale or offline: since the last message; the server cannot read Redis: since the source stopped.
 */
import { fill, type Labels } from '../i18n';
import type { LiveStore } from './store.svelte';

export function notCurrentSinceMs(store: Pick<LiveStore, 'connection' | 'lastServerMs' | 'source'>): number | null {
  return store.connection === 'stale' || store.connection === 'offline' ? store.lastServerMs : store.source.staleSinceMs;
}

/** "35秒前" / "35 s old", "12分钟前", "1小时5分前": whole units, never negative. */
export function formatAge(ageMs: number, t: Labels): string {
  const s = Math.max(0, Math.floor(ageMs / 1000));
  if (s < 60) return fill(t.ageSeconds, { s });
  const m = Math.floor(s / 60);
  if (m < 60) return fill(t.ageMinutes, { m });
  return fill(t.ageHours, { h: Math.floor(m / 60), m: m % 60 });
}
