/**
 * Hides the mouse pointer on the wall after a while without movement, shows it again on movement.
 * Movement is watched on the whole document (the pointer may rest outside `el`); the class goes on `el`.
 */

export const IDLE_CLASS = 'cursor-idle';
const STYLE_ID = 'warroom-kiosk-cursor';

/** The one rule the class needs; injected once so the module works without any stylesheet. */
function ensureStyle(doc: Document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = `.${IDLE_CLASS}, .${IDLE_CLASS} * { cursor: none !important; }`;
  (doc.head ?? doc.documentElement).appendChild(style);
}

export function hideIdleCursor(el: HTMLElement, idleMs = 3000): () => void {
  const doc = el.ownerDocument;
  ensureStyle(doc);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => el.classList.add(IDLE_CLASS), idleMs);
  };
  const onMove = (): void => {
    el.classList.remove(IDLE_CLASS);
    arm();
  };

  const opts = { passive: true, capture: true } as const;
  doc.addEventListener('pointermove', onMove, opts);
  doc.addEventListener('pointerdown', onMove, opts);
  arm(); // hidden after idleMs from the start, even if the pointer never moves

  return () => {
    clearTimeout(timer);
    doc.removeEventListener('pointermove', onMove, opts);
    doc.removeEventListener('pointerdown', onMove, opts);
    el.classList.remove(IDLE_CLASS);
  };
}
