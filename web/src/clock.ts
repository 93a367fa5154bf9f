// A one-second tick shared by every running timer on the desk, corrected to the server's clock.

import { useSyncExternalStore } from "react";
import { deskStore } from "./desk";

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(l: () => void): () => void {
  listeners.add(l);
  if (!timer) {
    timer = setInterval(() => {
      now = Date.now();
      listeners.forEach((x) => x());
    }, 1000);
  }
  return () => {
    listeners.delete(l);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** Server time now, in ms, re-rendering every second. */
export function useNow(): number {
  const local = useSyncExternalStore(subscribe, () => now);
  return local + deskStore.get().clockOffsetMs;
}

/** Seconds since an ISO instant, by the server's clock. */
export function secondsSince(iso: string | null | undefined, nowMs: number): number {
  if (!iso) return 0;
  return Math.max(0, Math.floor((nowMs - new Date(iso).getTime()) / 1000));
}
