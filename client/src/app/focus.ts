import { useCallback, useLayoutEffect, useRef } from 'react';

/** Where the keyboard goes: a CSS selector, or a function that finds the element. */
export type FocusTarget = string | (() => HTMLElement | null | undefined);

const find = (target: FocusTarget): HTMLElement | null | undefined =>
  typeof target === 'string' ? document.querySelector<HTMLElement>(target) : target();

/**
 * Moves the keyboard to an element once the component has re-rendered: the control pressed often
 * goes away (an editor opens or closes, a goal moves to its new place), and the keyboard must land
 * on what replaces it, never on the page's body.
 *
 * `focusLater(target)` is tried in the layout effect of the component's next render (the new DOM
 * is there and the browser has not painted yet, so not even a frame shows the keyboard on the
 * body), and on the next frame for when nothing re-renders. It stays pending until the element
 * exists (a goal that moves re-renders once the server answers); a later call replaces it.
 */
export function useFocusAfterRender(): (target: FocusTarget) => void {
  const pending = useRef<FocusTarget | null>(null);
  const tryFocus = useCallback(() => {
    const el = pending.current === null ? null : find(pending.current);
    if (!el?.isConnected) return;
    pending.current = null;
    el.focus();
  }, []);
  useLayoutEffect(tryFocus);
  return useCallback(
    (target: FocusTarget) => {
      pending.current = target;
      requestAnimationFrame(tryFocus);
    },
    [tryFocus],
  );
}
