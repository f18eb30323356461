/** How widgets reach the live state: one context set by the layout's root, read by every widget. */
import { getContext, setContext } from 'svelte';
import type { LiveView } from './store.svelte';
import type { ServerClock } from './server-clock.svelte';
import type { Locale } from '../format';
import { labels, type Labels } from '../i18n';
import type { SoundBoard } from '../kiosk/sound.svelte';
import type { KioskState } from '../kiosk/watchdog';

export interface Live {
  /** Read-only: only the connection writes the store. */
  store: LiveView;
  clock: ServerClock;
  /** Language override from `?lang=`; the event's locale applies otherwise. */
  langOverride: Locale | null;
  /** Milestone and severe-alert sounds (off until someone turns them on). */
  board: SoundBoard;
  /** What the page showed before a watchdog reload, if it was one. */
  restored: KioskState | null;
}

const KEY = Symbol('live');

export function provideLive(live: Live): void {
  setContext(KEY, live);
}

export function useLive(): Live {
  const live = getContext<Live | undefined>(KEY);
  if (!live) throw new Error('useLive() outside the live context');
  return live;
}

/** The screen language: `?lang=` first, then the event's locale. */
export function localeOf(live: Live): Locale {
  if (live.langOverride) return live.langOverride;
  return live.store.event?.locale === 'en' ? 'en' : 'zh-CN';
}

export function labelsOf(live: Live): Labels {
  return labels(localeOf(live));
}
