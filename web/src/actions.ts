// What the desk can do: the one `DeskSocket`, its wiring to the stores, and the requests the
// buttons send. Components call these; only the socket's handlers write the desk store.

import { api, setToken, ApiError } from "./api";
import { applyFrame, deskStore, emptyDesk } from "./desk";
import { createStore } from "./store";
import { DeskSocket, RequestError, SessionEnded } from "./socket";
import type { StatusView } from "./generated/StatusView";

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
      if (f.type === "message" && f.status === "failed") {
        notify("error", `문자 발송 실패: ${f.reason ?? ""}`);
      }
    },
    onState: (c) => deskStore.set((s) => (s.connection === c ? s : { ...s, connection: c })),
    onSessionEnded: () => {
      setToken(null);
      onLoggedOut();
    },
  });
  socket.start();
  return () => {
    socket?.stop();
    socket = null;
    deskStore.set(() => emptyDesk);
  };
}

async function send<T = unknown>(body: Record<string, unknown>): Promise<T | undefined> {
  if (!socket) return undefined;
  try {
    return await socket.request<T>(body);
  } catch (e) {
    const msg = e instanceof RequestError ? e.message : String(e);
    notify("error", msg);
    return undefined;
  }
}

const ON_A_CALL = ["ringing", "on_call", "dialing"];

/** A status button: now, or "after this call" while ringing / talking / dialing. */
export function chooseStatus(status: "ready" | "preparing" | "aux", reason?: string): Promise<unknown> {
  const cur = deskStore.get().status?.status ?? "";
  const body = { status, ...(reason ? { reason } : {}) };
  if (ON_A_CALL.includes(cur)) return send<StatusView>({ type: "status.next", ...body });
  return send<StatusView>({ type: "status.set", ...body });
}

export function clearNext(): Promise<unknown> {
  return send({ type: "status.next", status: null });
}

export const answer = (callId: number) => send({ type: "call.answer", callId });
export const hangup = (callId: number) => send({ type: "call.hangup", callId });
export const dial = (number: string) => send<{ callId: number; ticketId: string }>({ type: "call.dial", number });
export const wrapupDone = () => send({ type: "wrapup.done" });
/** Click-to-call: dials a reservation (the server dials its number and keeps others off it). */
export const dialReservation = (id: number) =>
  send<{ callId: number; ticketId: string }>({ type: "call.dial", number: "", reservationId: String(id) });

export async function saveNote(ticketId: string, category: string, result: string, content: string): Promise<boolean> {
  const r = await send({
    type: "note.save",
    ticketId,
    category: category || null,
    result: result || null,
    content,
  });
  return r !== undefined;
}

export async function logout(): Promise<void> {
  try {
    await api("POST", "/api/logout", {});
  } catch (e) {
    notify("error", (e as Error).message);
    return;
  }
  setToken(null);
}
