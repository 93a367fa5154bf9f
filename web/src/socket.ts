// `DeskSocket` owns the desk's one WebSocket: connects to the URL it is given (which may be
// fetched first: the desk asks for a one-time ticket so its token never sits in a URL),
// reconnects with backoff, notices a dead connection itself (a quiet socket is pinged; no answer
// within a few seconds means the network is gone, whatever the browser thinks), gives every
// request a time limit,
// checks `seq` (a gap or a reconnect means a fresh `hello` resyncs everything), matches each
// request's `ack` / `error` by id, and hands every other frame to `onFrame`. It knows nothing
// about components; the caller's handlers only update stores.

import type { ServerMsg } from "./generated/ServerMsg";

export type SocketState = "connecting" | "open" | "reconnecting";

export class RequestError extends Error {
  code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export interface WebSocketLike {
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** The server said the session is over: stop, do not reconnect. */
export class SessionEnded extends Error {}

export interface DeskSocketOptions {
  /** The socket URL, or a promise of it (a ticket fetched per connect). A rejection with
   *  `SessionEnded` ends the session; any other rejection is retried with backoff. */
  url: () => string | Promise<string>;
  onFrame: (f: ServerMsg) => void;
  onState: (s: SocketState) => void;
  /** The server closed the socket because the session ended (logout elsewhere, revoked token). */
  onSessionEnded?: (reason: string) => void;
  createSocket?: (url: string) => WebSocketLike;
  /** Backoff: first delay and cap, in ms. */
  minDelayMs?: number;
  maxDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  /** Heartbeat: a socket quiet this long is pinged, and is dead when the ping gets no answer
   *  within as long again. 0 turns the heartbeat off. */
  heartbeatMs?: number;
  /** A request not answered within this long fails with `timeout`. */
  requestTimeoutMs?: number;
  now?: () => number;
}

interface Pending {
  resolve: (data: unknown) => void;
  reject: (e: RequestError) => void;
  timer: unknown;
}

export class DeskSocket {
  private ws: WebSocketLike | null = null;
  private lastSeq = -1;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private attempts = 0;
  private timer: unknown = null;
  private stopped = false;
  private o: Required<Omit<DeskSocketOptions, "onSessionEnded">> & Pick<DeskSocketOptions, "onSessionEnded">;

  constructor(options: DeskSocketOptions) {
    this.o = {
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      minDelayMs: 500,
      maxDelayMs: 10_000,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      heartbeatMs: 3000,
      requestTimeoutMs: 10_000,
      now: () => Date.now(),
      ...options,
    };
  }

  /** When anything last arrived on the current socket, and when an unanswered ping went out. */
  private lastHeard = 0;
  private pingSentAt: number | null = null;
  private beat: unknown = null;

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.o.heartbeatMs <= 0) return;
    const tick = () => {
      this.beat = this.o.setTimer(tick, Math.max(250, this.o.heartbeatMs / 3));
      this.checkAlive();
    };
    this.beat = this.o.setTimer(tick, Math.max(250, this.o.heartbeatMs / 3));
  }

  private stopHeartbeat(): void {
    if (this.beat !== null) this.o.clearTimer(this.beat);
    this.beat = null;
  }

  /** Pings a quiet socket; gives up on one whose ping went unanswered. */
  private checkAlive(): void {
    const ws = this.ws;
    if (!ws || this.lastSeq < 0) return;
    const now = this.o.now();
    if (this.pingSentAt !== null) {
      if (now - this.pingSentAt >= this.o.heartbeatMs) this.dead();
      return;
    }
    if (now - this.lastHeard >= this.o.heartbeatMs) {
      this.pingSentAt = now;
      try {
        ws.send(JSON.stringify({ type: "ping", id: this.nextId++ }));
      } catch {
        this.dead();
      }
    }
  }

  /** The connection is gone though the browser has not noticed: drop it and reconnect. */
  private dead(): void {
    const ws = this.ws;
    this.ws = null;
    this.stopHeartbeat();
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try {
        ws.close(4001, "no heartbeat");
      } catch {
        /* already closing */
      }
    }
    this.failPending("disconnected", "서버와 연결이 끊겼습니다");
    this.scheduleReconnect();
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.generation += 1;
    this.stopHeartbeat();
    if (this.timer !== null) this.o.clearTimer(this.timer);
    this.timer = null;
    this.ws?.close(1000, "bye");
    this.ws = null;
    this.failPending("closed", "연결이 닫혔습니다");
  }

  /** Bumped on every open and stop: a URL that arrives for an older attempt is dropped. */
  private generation = 0;

  private open(): void {
    this.o.onState(this.attempts === 0 ? "connecting" : "reconnecting");
    this.lastSeq = -1;
    const gen = ++this.generation;
    let url: string | Promise<string>;
    try {
      url = this.o.url();
    } catch (e) {
      this.urlFailed(e);
      return;
    }
    if (typeof url === "string") {
      this.connect(url);
      return;
    }
    url.then(
      (u) => {
        if (!this.stopped && gen === this.generation) this.connect(u);
      },
      (e) => {
        if (!this.stopped && gen === this.generation) this.urlFailed(e);
      },
    );
  }

  private urlFailed(e: unknown): void {
    if (e instanceof SessionEnded) {
      this.stopped = true;
      this.o.onSessionEnded?.(e.message);
      return;
    }
    this.scheduleReconnect();
  }

  private connect(url: string): void {
    const ws = this.o.createSocket(url);
    this.ws = ws;
    this.lastHeard = this.o.now();
    this.pingSentAt = null;
    this.startHeartbeat();
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      this.lastHeard = this.o.now();
      this.pingSentAt = null;
      this.receive(String(ev.data));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopHeartbeat();
      this.failPending("disconnected", "서버와 연결이 끊겼습니다");
      if (ev.reason && /logged out|로그아웃/i.test(ev.reason)) {
        this.stopped = true;
        this.o.onSessionEnded?.(ev.reason);
        return;
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.o.onState("reconnecting");
    const delay = Math.min(this.o.maxDelayMs, this.o.minDelayMs * 2 ** this.attempts);
    this.attempts += 1;
    this.timer = this.o.setTimer(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  /** Drops the connection and opens a new one at once (after a `seq` gap). */
  private resync(): void {
    const ws = this.ws;
    this.ws = null;
    ws?.close(4000, "resync");
    this.failPending("resync", "다시 동기화하는 중입니다");
    this.open();
  }

  private receive(text: string): void {
    let f: ServerMsg & { seq?: number; id?: number | null };
    try {
      f = JSON.parse(text);
    } catch {
      return;
    }
    if (f.type === "hello") {
      this.lastSeq = 0;
      this.attempts = 0;
      this.o.onState("open");
      this.o.onFrame(f);
      return;
    }
    if (typeof f.seq === "number") {
      if (this.lastSeq >= 0 && f.seq !== this.lastSeq + 1) {
        this.resync();
        return;
      }
      this.lastSeq = f.seq;
    }
    if (f.type === "ack" && typeof f.id === "number") {
      const p = this.pending.get(f.id);
      this.pending.delete(f.id);
      if (p) {
        this.o.clearTimer(p.timer);
        p.resolve(f.data ?? null);
      }
      return;
    }
    if (f.type === "error" && typeof f.id === "number") {
      const p = this.pending.get(f.id);
      this.pending.delete(f.id);
      if (p) {
        this.o.clearTimer(p.timer);
        p.reject(new RequestError(f.code, f.message));
      }
      return;
    }
    // A heartbeat's answer has done its work already (it was heard).
    if (f.type === "ack" || (f.type === "error" && f.id != null)) return;
    this.o.onFrame(f);
  }

  private failPending(code: string, message: string): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      this.o.clearTimer(p.timer);
      p.reject(new RequestError(code, message));
    }
  }

  /** Whether requests can be sent now (connected and past `hello`). */
  get online(): boolean {
    return !!this.ws && this.ws.readyState === 1 && this.lastSeq >= 0;
  }

  /** Sends a request; resolves with the ack's `data`, rejects with the error frame. */
  request<T = unknown>(body: Record<string, unknown>): Promise<T> {
    const ws = this.ws;
    if (!ws || ws.readyState !== 1 || this.lastSeq < 0) {
      return Promise.reject(new RequestError("disconnected", "서버와 연결되어 있지 않습니다"));
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = this.o.setTimer(() => {
        if (!this.pending.delete(id)) return;
        reject(new RequestError("timeout", "서버가 응답하지 않습니다 (no answer)"));
      }, this.o.requestTimeoutMs);
      this.pending.set(id, { resolve: resolve as (d: unknown) => void, reject, timer });
      ws.send(JSON.stringify({ ...body, id }));
    });
  }
}
