import { describe, expect, it, vi } from "vitest";
import { DeskSocket, SessionEnded, type WebSocketLike } from "./socket";
import type { ServerMsg } from "./generated/ServerMsg";

class FakeSocket implements WebSocketLike {
  readyState = 1;
  sent: string[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.closed = true;
  }
  emit(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  drop(reason = "") {
    this.onclose?.({ code: 1006, reason });
  }
}

function setup(url: () => string | Promise<string> = () => "ws://test/api/ws?token=t") {
  const sockets: FakeSocket[] = [];
  const urls: string[] = [];
  const frames: ServerMsg[] = [];
  const states: string[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const ended: string[] = [];
  const ds = new DeskSocket({
    url,
    onFrame: (f) => frames.push(f),
    onState: (s) => states.push(s),
    onSessionEnded: (r) => ended.push(r),
    createSocket: (u) => {
      urls.push(u);
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    heartbeatMs: 0,
    requestTimeoutMs: 60_000,
  });
  ds.start();
  return { ds, sockets, frames, states, timers, ended, urls };
}

const hello = { type: "hello", seq: 0, agent: {}, status: {}, snapshot: {} };

describe("DeskSocket", () => {
  it("fetches a fresh URL (a one-time ticket) for every connect", async () => {
    let n = 0;
    const { sockets, urls, timers } = setup(async () => `ws://test/api/ws?ticket=t${++n}`);
    await Promise.resolve();
    await Promise.resolve();
    expect(urls).toEqual(["ws://test/api/ws?ticket=t1"]);
    sockets[0].drop();
    timers.shift()!.fn();
    await Promise.resolve();
    await Promise.resolve();
    expect(urls).toEqual(["ws://test/api/ws?ticket=t1", "ws://test/api/ws?ticket=t2"]);
  });

  it("ends the session when the ticket is refused, and retries other failures", async () => {
    let fail: Error = new Error("network");
    const { sockets, timers, ended } = setup(() => Promise.reject(fail));
    await new Promise((r) => setTimeout(r, 0));
    expect(sockets.length).toBe(0);
    expect(timers.length).toBe(1);
    expect(ended).toEqual([]);
    fail = new SessionEnded("로그인이 필요합니다");
    timers.shift()!.fn();
    await new Promise((r) => setTimeout(r, 0));
    expect(ended).toEqual(["로그인이 필요합니다"]);
    expect(timers.length).toBe(0);
  });

  it("drops a URL that arrives after stop", async () => {
    let resolve: (u: string) => void = () => {};
    const { ds, sockets } = setup(() => new Promise<string>((r) => (resolve = r)));
    ds.stop();
    resolve("ws://late");
    await new Promise((r) => setTimeout(r, 0));
    expect(sockets.length).toBe(0);
  });

  it("passes hello and later frames on, and is open after hello", () => {
    const { sockets, frames, states } = setup();
    sockets[0].emit(hello);
    sockets[0].emit({ type: "queue", service: "main", waiting: 1, seq: 1 });
    expect(frames.map((f) => f.type)).toEqual(["hello", "queue"]);
    expect(states).toEqual(["connecting", "open"]);
  });

  it("matches acks and errors to requests by id", async () => {
    const { ds, sockets } = setup();
    sockets[0].emit(hello);
    const ok = ds.request({ type: "status.set", status: "ready" });
    const bad = ds.request({ type: "call.answer", callId: 9 });
    const sent = sockets[0].sent.map((s) => JSON.parse(s));
    expect(sent[0]).toMatchObject({ type: "status.set", id: 1 });
    sockets[0].emit({ type: "error", id: 2, code: "not_offered", message: "아님", seq: 1 });
    sockets[0].emit({ type: "ack", id: 1, data: { status: "ready" }, seq: 2 });
    await expect(ok).resolves.toEqual({ status: "ready" });
    await expect(bad).rejects.toMatchObject({ code: "not_offered" });
  });

  it("resyncs with a fresh socket when a seq is missing", () => {
    const { sockets, frames } = setup();
    sockets[0].emit(hello);
    sockets[0].emit({ type: "queue", seq: 1 });
    sockets[0].emit({ type: "queue", seq: 3 });
    expect(sockets[0].closed).toBe(true);
    expect(sockets.length).toBe(2);
    expect(frames.length).toBe(2);
  });

  it("reconnects with growing delays and says so", () => {
    const { sockets, states, timers } = setup();
    sockets[0].emit(hello);
    sockets[0].drop();
    expect(states.at(-1)).toBe("reconnecting");
    expect(timers[0].ms).toBe(500);
    timers[0].fn();
    sockets[1].drop();
    expect(timers[1].ms).toBe(1000);
    timers[1].fn();
    sockets[2].emit(hello);
    expect(states.at(-1)).toBe("open");
  });

  it("fails pending requests when the connection drops", async () => {
    const { ds, sockets } = setup();
    sockets[0].emit(hello);
    const p = ds.request({ type: "ping" });
    sockets[0].drop();
    await expect(p).rejects.toMatchObject({ code: "disconnected" });
  });

  it("stops reconnecting when the server says the session ended", () => {
    const { sockets, timers, ended } = setup();
    sockets[0].emit(hello);
    sockets[0].drop("로그아웃되었습니다 (logged out)");
    expect(ended.length).toBe(1);
    expect(timers.length).toBe(0);
  });

  it("refuses requests before hello", async () => {
    const { ds } = setup();
    await expect(ds.request({ type: "ping" })).rejects.toMatchObject({ code: "disconnected" });
  });

  it("notices a dead connection by its heartbeat, says so within seconds and reconnects", async () => {
    vi.useFakeTimers();
    try {
      const sockets: FakeSocket[] = [];
      const states: string[] = [];
      const ds = new DeskSocket({
        url: () => "ws://test",
        onFrame: () => {},
        onState: (s) => states.push(s),
        createSocket: () => {
          const s = new FakeSocket();
          sockets.push(s);
          return s;
        },
        heartbeatMs: 3000,
      });
      ds.start();
      sockets[0].emit(hello);
      const pending = ds.request({ type: "call.hangup", callId: 1 });
      const failed = expect(pending).rejects.toMatchObject({ code: "disconnected" });
      // Quiet for 3 s: a ping goes out. No answer for 3 s more: dead.
      vi.advanceTimersByTime(3100);
      const pings = sockets[0].sent.map((t) => JSON.parse(t)).filter((f) => f.type === "ping");
      expect(pings.length).toBe(1);
      expect(typeof pings[0].id).toBe("number");
      expect(states.at(-1)).toBe("open");
      vi.advanceTimersByTime(3100);
      expect(states.at(-1)).toBe("reconnecting");
      expect(sockets[0].closed).toBe(true);
      await failed;
      expect(ds.online).toBe(false);
      vi.advanceTimersByTime(600);
      expect(sockets.length).toBe(2);
      ds.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps a socket that answers its pings", () => {
    vi.useFakeTimers();
    try {
      const sockets: FakeSocket[] = [];
      const states: string[] = [];
      const ds = new DeskSocket({
        url: () => "ws://test",
        onFrame: () => {},
        onState: (s) => states.push(s),
        createSocket: () => {
          const s = new FakeSocket();
          sockets.push(s);
          return s;
        },
        heartbeatMs: 3000,
      });
      ds.start();
      sockets[0].emit(hello);
      let seq = 0;
      for (let i = 0; i < 10; i++) {
        vi.advanceTimersByTime(3100);
        const last = JSON.parse(sockets[0].sent.at(-1)!);
        sockets[0].emit({ type: "ack", id: last.id, seq: ++seq });
      }
      expect(states.at(-1)).toBe("open");
      expect(sockets.length).toBe(1);
      ds.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it("fails a request the server never answers", async () => {
    vi.useFakeTimers();
    try {
      const sockets: FakeSocket[] = [];
      const ds = new DeskSocket({
        url: () => "ws://test",
        onFrame: () => {},
        onState: () => {},
        createSocket: () => {
          const s = new FakeSocket();
          sockets.push(s);
          return s;
        },
        heartbeatMs: 0,
        requestTimeoutMs: 10_000,
      });
      ds.start();
      sockets[0].emit(hello);
      const p = ds.request({ type: "wrapup.done" });
      const failed = expect(p).rejects.toMatchObject({ code: "timeout" });
      vi.advanceTimersByTime(10_001);
      await failed;
      ds.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
