/** Composition root of the client: one store, one clock, one connection, one app. */
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { LiveStore } from './live/store.svelte';
import { ServerClock } from './live/server-clock.svelte';
import { LiveConnection } from './live/connection';
import { isLocale, type Locale } from '../shared/domain';
import { restoreKioskState, SoundBoard, startKiosk } from './kiosk';
import { preloadGlyphs } from './glyphs';

const params = new URLSearchParams(location.search);
const lang = params.get('lang');
const langOverride: Locale | null = isLocale(lang) ? lang : null;
const path = location.pathname;

const store = new LiveStore();
const clock = new ServerClock();
// Kiosk behaviour for an unattended wall: wake lock, idle cursor, burn-in shift, watchdog reload.
// `?kiosk=0` turns it off (laptops); the state saved by a watchdog reload is read once, here.
const restored = restoreKioskState();
const board = new SoundBoard();

// The sign-in page has no credential yet: no socket, no clock, no kiosk there.
if (path !== '/login') {
  // While the server is up: the font slices for every string an outage can bring on screen.
  void preloadGlyphs();
  clock.start();
  // The session cookie (an account's, or the one set when the page was opened with ?token=)
  // authenticates the socket. The admin who asked every screen to reload stays on the admin page.
  new LiveConnection(store, clock, path === '/admin' ? { reload: () => {} } : {});
  // Only the wall is a kiosk; the executive view and the admin page are not.
  startKiosk({ root: document.documentElement, store, board, restored, kiosk: path === '/wall' });
}

mount(App, { target: document.getElementById('app')!, props: { live: { store, clock, langOverride, board, restored } } });
