// What the desk can do: the one `DeskSocket`, its wiring to the stores, and the requests the
// buttons send. Components call these; only the socket's handlers write the desk store. The
// note typed for a call is kept on the server as a draft (debounced) and flushed before any
// status change, so wrap-up never ends with the agent's text thrown away. While the desk is
// offline, actions say so at once instead of failing later with a stale message.

import { api, setToken, ApiError } from "./api";
import { applyFrame, deskStore, emptyDesk } from "./desk";
import { createStore } from "./store";
import { DeskSocket, RequestError, SessionEnded } from "./socket";
import type { RoutingWhy } from "./generated/RoutingWhy";
import type { StatusView } from "./generated/StatusView";
import { followDesk, noteStore, type NoteState } from "./note";
import { label, langStore } from "./i18n";

export interface Notice {
  id: number;
  kind: "error" | "info";
  text: string;
}

export const noticeStore = createStore<Notice[]>([]);
let noticeSeq = 0;

export function notify(kind: Notice["kind"], text: string): void {
  const id = ++noticeSeq;
  noticeStore.set((n) => [...n.slice(-3), { id, kind, text }]);
  setTimeout(() => noticeStore.set((n) => n.filter((x) => x.id !== id)), kind === "error" ? 6000 : 3000);
}

let socket: DeskSocket | null = null;

/** Where the reason a session ended waits for the login page. */
export const SIGNED_OUT_KEY = "calldesk.signedOutReason";

/** Drops error notices: after a resync they speak of a state that is gone. */
function clearErrors(): void {
  noticeStore.set((n) => (n.some((x) => x.kind === "error") ? n.filter((x) => x.kind !== "error") : n));
}

/** The reason an action cannot run now, or null when the desk is connected. */
export function offlineReason(): string | null {
  return deskStore.get().connection === "open" && socket?.online ? null : label(langStore.get(), "offlineAction");
}

export function connectDesk(onLoggedOut: () => void): () => void {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  socket = new DeskSocket({
    // A one-time ticket per connect: the token itself never appears in a URL.
    url: async () => {
      try {
        const t = await api<{ ticket: string }>("POST", "/api/ws/ticket");
        return `${proto}://${location.host}/api/ws?ticket=${encodeURIComponent(t.ticket)}`;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) throw new SessionEnded(e.message);
        throw e;
      }
    },
    onFrame: (f) => {
      deskStore.set((s) => applyFrame(s, f));
      const before = noteStore.get();
      const call = deskStore.get().call;
      noteStore.set((n) => followDesk(n, call, f.type === "hello" ? f.snapshot.note : undefined));
      // Edits of a call this desk no longer holds still reach the server (as the note).
      if (before.dirty && before.ticketId && noteStore.get().ticketId !== before.ticketId) void sendDraft(before);
      if (f.type === "hello" && noteStore.get().dirty) void flushDraft();
      // A fresh hello carries counts only: an open list asks for its rows again.
      if (f.type === "hello" && watches.length > 0) sendWatch();
      if (f.type === "message" && f.status === "failed") {
        notify("error", `${label(langStore.get(), "msgSendFailed")}: ${f.reason ?? ""}`);
      }
    },
    onState: (c) => {
      // Back after a break: what went wrong meanwhile is history; the fresh hello is the truth.
      if (c === "open" && deskStore.get().connection !== "open") clearErrors();
      deskStore.set((s) => (s.connection === c ? s : { ...s, connection: c }));
    },
    onSessionEnded: (reason) => {
      // The login page says why (deactivated, password changed, signed out elsewhere, expired).
      try {
        if (reason) sessionStorage.setItem(SIGNED_OUT_KEY, reason);
      } catch {
        /* private mode */
      }
      setToken(null);
      onLoggedOut();
    },
  });
  socket.start();
  return () => {
    socket?.stop();
    socket = null;
    deskStore.set(() => emptyDesk);
    noteStore.set(() => followDesk(noteStore.get(), null));
  };
}

// ---- agent lists (agents.watch) ----------------------------------------------------------------

/** What an open agent list shows: a service, a status (or `in_service` / `signed_in`), a name. */
export interface AgentFilter {
  service?: string;
  state?: string;
  q?: string;
}

/** Open lists, newest last: the socket watches the newest one's filter. */
let watches: { id: number; filter: AgentFilter }[] = [];
let watchSeq = 0;

function sendWatch(): void {
  if (!socket?.online) return; // the next hello sends it
  const top = watches[watches.length - 1];
  const body: Record<string, unknown> = top ? { type: "agents.watch", on: true } : { type: "agents.watch", on: false };
  if (top) for (const [k, v] of Object.entries(top.filter)) if (v) body[k] = v;
  socket.request(body).catch((e) => {
    if (e instanceof RequestError && !GONE.includes(e.code) && e.code !== "timeout") notify("error", e.message);
  });
}

/**
 * Opens an agent list: the server sends its rows (`deskStore.agents`) and their changes until
 * it is released. Lists nest (a dialog over an open list): the newest one's filter is watched,
 * and releasing it goes back to the one below.
 */
export function watchAgents(filter: AgentFilter): { update: (f: AgentFilter) => void; release: () => void } {
  const id = ++watchSeq;
  watches = [...watches, { id, filter }];
  sendWatch();
  return {
    update: (f) => {
      watches = watches.map((w) => (w.id === id ? { id, filter: f } : w));
      if (watches[watches.length - 1]?.id === id) sendWatch();
    },
    release: () => {
      const wasTop = watches[watches.length - 1]?.id === id;
      watches = watches.filter((w) => w.id !== id);
      if (!wasTop) return;
      if (watches.length === 0) deskStore.set((s) => ({ ...s, agents: {} }));
      sendWatch();
    },
  };
}

/** Codes that mean "the connection went away": the banner says so; no notice is added. */
const GONE = ["disconnected", "resync", "closed"];

async function send<T = unknown>(body: Record<string, unknown>): Promise<T | undefined> {
  const offline = offlineReason();
  if (!socket || offline) {
    notify("error", offline ?? label(langStore.get(), "notConnected"));
    return undefined;
  }
  try {
    return await socket.request<T>(body);
  } catch (e) {
    if (e instanceof RequestError && GONE.includes(e.code)) return undefined;
    const msg = e instanceof RequestError ? e.message : String(e);
    notify("error", msg);
    return undefined;
  }
}

// ---- the note's draft ------------------------------------------------------------------------

const DRAFT_DELAY_MS = 800;
let draftTimer: ReturnType<typeof setTimeout> | null = null;

/** Changes the note; the server gets it as a draft once typing pauses. */
export function editNote(patch: Partial<Pick<NoteState, "category" | "result" | "content">>): void {
  noteStore.set((n) => (n.ticketId ? { ...n, ...patch, dirty: true } : n));
  if (draftTimer) clearTimeout(draftTimer);
  draftTimer = setTimeout(() => void flushDraft(), DRAFT_DELAY_MS);
}

/** The same note, field for field (nothing typed since `n` was sent). */
function sameNote(a: NoteState, b: NoteState): boolean {
  return a.ticketId === b.ticketId && a.category === b.category && a.result === b.result && a.content === b.content;
}

/** Sends one note as a draft; marks the note clean if it has not changed since. */
async function sendDraft(n: NoteState): Promise<boolean> {
  if (!socket || !socket.online || !n.ticketId) return false;
  try {
    const r = await socket.request<{ at: string; saved: boolean }>({
      type: "note.draft",
      ticketId: n.ticketId,
      category: n.category || null,
      result: n.result || null,
      content: n.content,
    });
    noteStore.set((cur) =>
      sameNote(cur, n)
        ? { ...cur, dirty: false, ...(r.saved ? { savedAt: r.at, draftAt: null } : { draftAt: r.at }) }
        : cur,
    );
    return true;
  } catch (e) {
    if (e instanceof RequestError && !GONE.includes(e.code) && e.code !== "timeout") notify("error", e.message);
    return false;
  }
}

/** Sends the note's pending edits now (before a status change, a reload, a logout). */
export async function flushDraft(): Promise<boolean> {
  if (draftTimer) clearTimeout(draftTimer);
  draftTimer = null;
  const n = noteStore.get();
  if (!n.dirty) return true;
  return sendDraft(n);
}

if (typeof window !== "undefined") {
  // Closing or reloading the tab: what was typed since the last draft still goes out.
  window.addEventListener("pagehide", () => void flushDraft());
}

const ON_A_CALL = ["ringing", "on_call", "dialing"];

/** A status button: now, or "after this call" while ringing / talking / dialing. */
export async function chooseStatus(status: "ready" | "preparing" | "aux", reason?: string): Promise<unknown> {
  const cur = deskStore.get().status?.status ?? "";
  const body = { status, ...(reason ? { reason } : {}) };
  if (ON_A_CALL.includes(cur)) return send<StatusView>({ type: "status.next", ...body });
  // Leaving wrap-up ends the call's note: the server gets what was typed first.
  if (cur === "wrap_up") await flushDraft();
  return send<StatusView>({ type: "status.set", ...body });
}

export function clearNext(): Promise<unknown> {
  return send({ type: "status.next", status: null });
}

/** "Why am I not getting calls?" from the server's real state. */
export const whyNoCalls = () => send<RoutingWhy>({ type: "routing.why" });
export const answer = (callId: number) => send({ type: "call.answer", callId });
export const hangup = (callId: number) => send({ type: "call.hangup", callId });
export const dial = (number: string) => send<{ callId: number; ticketId: string }>({ type: "call.dial", number });
export const wrapupDone = () => send({ type: "wrapup.done" });
export const hold = (callId: number, on: boolean) => send({ type: on ? "call.hold" : "call.resume", callId });
export const dtmf = (callId: number, digits: string) => send({ type: "call.dtmf", callId, digits });
/** 이관: to a service's queue or to a ready agent. */
export const transfer = (callId: number, to: { service: string } | { agentId: number }) =>
  send<{ callId: number; ticketId: string }>({ type: "call.transfer", callId, ...to });
/** Click-to-call: dials a reservation (the server dials its number and keeps others off it). */
export const dialReservation = (id: number) =>
  send<{ callId: number; ticketId: string }>({ type: "call.dial", number: "", reservationId: String(id) });

/** Saves the note as it stands (Ctrl+S, 저장, 완료). */
export async function saveNote(): Promise<boolean> {
  const n = noteStore.get();
  if (!n.ticketId) return false;
  if (draftTimer) clearTimeout(draftTimer);
  draftTimer = null;
  const r = await send<{ updatedAt: string }>({
    type: "note.save",
    ticketId: n.ticketId,
    category: n.category || null,
    result: n.result || null,
    content: n.content,
  });
  if (r === undefined) return false;
  noteStore.set((cur) =>
    sameNote(cur, n)
      ? { ...cur, dirty: false, savedAt: r.updatedAt, draftAt: null }
      : cur,
  );
  return true;
}

export async function logout(): Promise<void> {
  await flushDraft();
  try {
    await api("POST", "/api/logout", {});
  } catch (e) {
    notify("error", (e as Error).message);
    return;
  }
  setToken(null);
}
