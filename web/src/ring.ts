// Ringing that cannot be missed: a two-tone ring at the volume the agent set (remembered), a
// desktop notification when the tab is in the background (with permission), and the test ring
// of the volume slider.

import { createStore } from "./store";

const KEY = "calldesk.ringVolume";
const DEFAULT_VOLUME = 0.35;

function initialVolume(): number {
  try {
    const v = Number(localStorage.getItem(KEY));
    return localStorage.getItem(KEY) !== null && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : DEFAULT_VOLUME;
  } catch {
    return DEFAULT_VOLUME;
  }
}

export const ringVolumeStore = createStore<number>(initialVolume());

export function setRingVolume(v: number): void {
  const clamped = Math.min(1, Math.max(0, v));
  try {
    localStorage.setItem(KEY, String(clamped));
  } catch {
    /* private mode: not remembered */
  }
  ringVolumeStore.set(() => clamped);
}

/** Gain of the oscillators for a volume setting (0..1): gentle at the low end. */
function gainOf(volume: number): number {
  return 0.25 * volume * volume;
}

function beep(ctx: AudioContext): void {
  if (ctx.state !== "running") return;
  const g0 = gainOf(ringVolumeStore.get());
  if (g0 <= 0) return;
  for (const [i, f] of [440, 480].entries()) {
    const o = ctx.createOscillator();
    const g = ctx.createGain();
    o.frequency.value = f;
    g.gain.value = g0;
    o.connect(g).connect(ctx.destination);
    o.start(ctx.currentTime + i * 0.25);
    o.stop(ctx.currentTime + i * 0.25 + 0.2);
  }
}

/** Rings every 2 s until the returned function is called. Silent when audio is blocked. */
export function startRinging(): () => void {
  let ctx: AudioContext | null = null;
  try {
    ctx = new AudioContext();
  } catch {
    return () => {};
  }
  const c = ctx;
  void c.resume().then(() => beep(c), () => {});
  const timer = setInterval(() => beep(c), 2000);
  return () => {
    clearInterval(timer);
    void c.close();
  };
}

/** One ring at the current volume (the slider's preview). */
export function testRing(): void {
  const stop = startRinging();
  setTimeout(stop, 600);
}

/** A desktop notification for a ringing call while the desk is not in front; closes itself. */
export function notifyRinging(title: string, body: string): () => void {
  if (typeof Notification === "undefined" || Notification.permission !== "granted" || !document.hidden) return () => {};
  let n: Notification | null = null;
  try {
    n = new Notification(title, { body, tag: "calldesk-ringing", requireInteraction: true });
    n.onclick = () => {
      window.focus();
      n?.close();
    };
  } catch {
    return () => {};
  }
  return () => n?.close();
}
