/**
 * Sound for the wall: off by default, turned on by a person (a user gesture), short synthesized
 * cues with WebAudio oscillators (no audio files). While disabled every cue is a no-op.
 *
 * Browsers only start audio after a user gesture. A sound setting restored after a watchdog
 * reload calls enable() without one: the context then stays suspended (`blocked` = true) until
 * the next pointer/key press on the page, or plays at once if the kiosk browser is launched with
 * `--autoplay-policy=no-user-gesture-required` (recommended for the wall PC).
 */
export { newCues, type CueMemory, type CueDecision } from './cues';

export interface SoundBoardOptions {
  /** Creates the audio context (tests pass a fake). @default new AudioContext() when available */
  createContext?: () => AudioContext | null;
  /** Peak gain of a cue. @default 0.2 */
  gain?: number;
}

interface Note {
  /** Start, seconds after the cue starts. */
  at: number;
  freq: number;
  dur: number;
  type: OscillatorType;
  /** Peak gain relative to the board's gain. */
  level: number;
}

/** Bright rising chime C6–E6–G6 (sine + soft octave), ~0.9 s. */
export const MILESTONE_NOTES: readonly Note[] = [
  { at: 0, freq: 1046.5, dur: 0.35, type: 'triangle', level: 1 },
  { at: 0.13, freq: 1318.51, dur: 0.35, type: 'triangle', level: 1 },
  { at: 0.26, freq: 1567.98, dur: 0.6, type: 'triangle', level: 1 },
  { at: 0.26, freq: 3135.96, dur: 0.4, type: 'sine', level: 0.25 },
];

/** Lower, urgent double beep (square wave, quieter since it carries more energy), ~0.6 s. */
export const SEVERE_NOTES: readonly Note[] = [
  { at: 0, freq: 587.33, dur: 0.2, type: 'square', level: 0.6 },
  { at: 0.32, freq: 587.33, dur: 0.2, type: 'square', level: 0.6 },
];

/** The length of a cue in seconds (release tail included). */
export function cueSeconds(notes: readonly Note[]): number {
  return Math.max(...notes.map((n) => n.at + n.dur)) + 0.05;
}

function defaultContext(): AudioContext | null {
  const Ctor =
    (globalThis as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext }).AudioContext ??
    (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctor) return null;
  try {
    return new Ctor();
  } catch {
    return null;
  }
}

export class SoundBoard {
  /** Whether cues play. Off by default. */
  enabled = $state(false);
  /** On, but the browser has not let audio start yet (no user gesture since the page loaded). */
  blocked = $state(false);

  readonly #createContext: () => AudioContext | null;
  readonly #gain: number;
  #ctx: AudioContext | null = null;
  /** Audio-clock time until which a cue of that kind is still sounding (no pile-ups). */
  #busyUntil = { milestone: 0, severe: 0 };
  #unlockArmed = false;

  constructor(opts: SoundBoardOptions = {}) {
    this.#createContext = opts.createContext ?? defaultContext;
    this.#gain = opts.gain ?? 0.2;
  }

  /** The audio context's state, 'none' before sound was first turned on (diagnostics, tests). */
  get audioState(): AudioContextState | 'none' {
    return this.#ctx?.state ?? 'none';
  }

  /** Turns sound on. Call from a user gesture (click) so the browser lets the context run. */
  enable(): void {
    this.enabled = true;
    const ctx = this.#context();
    if (!ctx) return;
    this.#resume(ctx);
  }

  /** Turns sound off; the context is suspended (no audio thread work overnight). */
  mute(): void {
    this.enabled = false;
    this.blocked = false;
    const ctx = this.#ctx;
    if (ctx && ctx.state === 'running') ctx.suspend().catch(() => {});
  }

  toggle(): void {
    if (this.enabled) this.mute();
    else this.enable();
  }

  /** A milestone was reached: rising chime. */
  milestone(): void {
    this.#play('milestone', MILESTONE_NOTES);
  }

  /** A severe alert appeared: urgent double beep. */
  severeAlert(): void {
    this.#play('severe', SEVERE_NOTES);
  }

  /** Releases the audio context. */
  close(): void {
    this.mute();
    const ctx = this.#ctx;
    this.#ctx = null;
    ctx?.close().catch(() => {});
  }

  #context(): AudioContext | null {
    if (this.#ctx) return this.#ctx;
    const ctx = this.#createContext();
    if (!ctx) return null;
    this.#ctx = ctx;
    ctx.addEventListener?.('statechange', () => this.#syncBlocked());
    return ctx;
  }

  #syncBlocked(): void {
    this.blocked = this.enabled && this.#ctx !== null && this.#ctx.state !== 'running';
  }

  #resume(ctx: AudioContext): void {
    if (ctx.state === 'running') {
      this.blocked = false;
      return;
    }
    ctx.resume().then(
      () => this.#syncBlocked(),
      () => this.#syncBlocked(),
    );
    // Without a user gesture the promise may never settle: mark blocked until it runs.
    this.#syncBlocked();
    if (this.blocked) this.#armUnlock();
  }

  /** Resumes on the next pointer/key press anywhere on the page (restored setting, no gesture yet). */
  #armUnlock(): void {
    if (this.#unlockArmed || typeof document === 'undefined') return;
    this.#unlockArmed = true;
    const unlock = (): void => {
      this.#unlockArmed = false;
      document.removeEventListener('pointerdown', unlock, true);
      document.removeEventListener('keydown', unlock, true);
      const ctx = this.#ctx;
      if (this.enabled && ctx && ctx.state !== 'running')
        ctx.resume().then(
          () => this.#syncBlocked(),
          () => this.#syncBlocked(),
        );
    };
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
  }

  #play(kind: 'milestone' | 'severe', notes: readonly Note[]): void {
    if (!this.enabled) return;
    const ctx = this.#ctx;
    if (!ctx || ctx.state !== 'running') return; // blocked: a cue queued for later would be stale
    const t0 = ctx.currentTime + 0.02;
    if (t0 < this.#busyUntil[kind]) return;
    this.#busyUntil[kind] = t0 + cueSeconds(notes);
    try {
      for (const n of notes) this.#note(ctx, t0, n);
    } catch {
      // An audio failure must never break the wall.
    }
  }

  #note(ctx: AudioContext, t0: number, n: Note): void {
    const start = t0 + n.at;
    const end = start + n.dur;
    const peak = Math.max(0.0002, this.#gain * n.level);
    const osc = ctx.createOscillator();
    const env = ctx.createGain();
    osc.type = n.type;
    osc.frequency.setValueAtTime(n.freq, start);
    env.gain.setValueAtTime(0.0001, start);
    env.gain.linearRampToValueAtTime(peak, start + 0.01);
    env.gain.exponentialRampToValueAtTime(0.0001, end);
    osc.connect(env);
    env.connect(ctx.destination);
    osc.onended = () => {
      osc.disconnect();
      env.disconnect();
    };
    osc.start(start);
    osc.stop(end + 0.02);
  }
}
