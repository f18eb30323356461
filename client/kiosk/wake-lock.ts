/**
 * Keeps the wall's screen on with the Screen Wake Lock API. The browser drops the lock whenever the
 * page is hidden (and may drop it at any time, e.g. on low battery), so it is asked for again when
 * the page is visible again, when the sentinel reports `release`, and every minute while none is
 * held. Unsupported or refused: a silent no-op (never an unhandled rejection).
 */

/** While no lock is held and the page is visible, ask again this often. */
const RETRY_MS = 60_000;
/** A lock released while the page is visible is asked for again after this pause (no tight loop). */
const RELEASE_RETRY_MS = 1_000;

export function keepAwake(doc: Document = document, nav: Navigator = navigator): () => void {
  const wakeLock = (nav as Partial<Navigator>).wakeLock;
  if (!wakeLock || typeof wakeLock.request !== 'function') return () => {};

  let sentinel: WakeLockSentinel | null = null;
  let pending = false;
  let disposed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const onRelease = (): void => {
    sentinel = null;
    if (disposed) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => void request(), RELEASE_RETRY_MS);
  };

  const request = async (): Promise<void> => {
    if (disposed || pending || sentinel !== null || doc.visibilityState !== 'visible') return;
    pending = true;
    try {
      const s = await wakeLock.request('screen');
      if (disposed) {
        s.release().catch(() => {});
        return;
      }
      sentinel = s;
      s.addEventListener('release', onRelease, { once: true });
    } catch {
      // Refused (not visible, not allowed, battery saver...): the next visibilitychange or retry asks again.
    } finally {
      pending = false;
    }
  };

  const onVisibility = (): void => {
    if (doc.visibilityState === 'visible') void request();
  };

  doc.addEventListener('visibilitychange', onVisibility);
  const interval = setInterval(() => void request(), RETRY_MS);
  void request();

  return () => {
    if (disposed) return;
    disposed = true;
    doc.removeEventListener('visibilitychange', onVisibility);
    clearInterval(interval);
    clearTimeout(retryTimer);
    const s = sentinel;
    sentinel = null;
    if (s) {
      s.removeEventListener('release', onRelease);
      s.release().catch(() => {});
    }
  };
}
