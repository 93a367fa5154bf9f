// Small shared React hooks.

import { useEffect, useRef } from "react";

/**
 * Calls `onEscape` when Escape is pressed anywhere while `active` (a dialog, a dropdown): focus
 * need not be inside it, so it works right after opening.
 */
export function useEscape(onEscape: () => void, active = true): void {
  const latest = useRef(onEscape);
  useEffect(() => {
    latest.current = onEscape;
  });
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      e.preventDefault();
      latest.current();
    };
    // Only the layer opened last answers, so one press closes one layer.
    layers.push(onKey);
    const top = (e: KeyboardEvent) => {
      if (layers[layers.length - 1] === onKey) onKey(e);
    };
    window.addEventListener("keydown", top);
    return () => {
      window.removeEventListener("keydown", top);
      layers.splice(layers.indexOf(onKey), 1);
    };
  }, [active]);
}

const layers: ((e: KeyboardEvent) => void)[] = [];
