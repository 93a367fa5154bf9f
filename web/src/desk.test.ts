import { describe, expect, it } from "vitest";
import { applyFrame, emptyDesk, inServiceAgents, sortAgents, waitingTotal, type DeskState } from "./desk";
import type { ServerMsg } from "./generated/ServerMsg";

const status = (s: string, since = "2026-11-23T00:00:00Z") => ({
  agentId: 1,
  status: s,
  reason: null,
  cause: "manual",
  since,
  next: null,
});

const row = (id: number, s: string, inService: boolean) => ({
  agentId: id,
  name: `상담사${id}`,
  extension: `200${id}`,
  status: s,
  reason: null,
  since: "2026-11-23T00:00:00Z",
  inService,
});

const call = {
  callId: 7,
  ticketId: "T20261123-000007",
  service: "main",
  serviceName: "대표번호",
  channel: "IN",
  from: "01012345678",
  fromDisplay: "010-1234-5678",
  customer: null,
  state: "ringing",
  since: "2026-11-23T00:00:10Z",
};

function hello(): DeskState {
  const f = {
    type: "hello",
    seq: 0,
    agent: { id: 1, name: "김민준", extension: "2001", role: "agent", brandId: 1, login: "agent01", services: ["main"] },
    status: status("preparing"),
    snapshot: {
      serverTime: "2026-11-23T00:00:05Z",
      brand: { id: 1, name: "데모몰", timezone: "Asia/Seoul", ringTimeoutS: 15, wrapUpLimitS: 0, callsMode: "top", categories: [], results: [] },
      services: [{ code: "main", name: "대표번호" }],
      call: null,
      stats: null,
      queues: [{ service: "main", serviceName: "대표번호", waiting: 2, longestWaitS: 3, oldestSince: null, answered: 0, abandoned: 0 }],
      agents: [],
      agentCounts: { inServiceCount: 1, allCount: 2, byState: { preparing: 1, ready: 1 } },
      consultations: { items: [], full: true, inCount: 0, outCount: 0, total: 0 },
    },
  } as unknown as ServerMsg;
  return applyFrame(emptyDesk, f, new Date("2026-11-23T00:00:04Z").getTime());
}

const frame = (f: object) => f as unknown as ServerMsg;

describe("applyFrame", () => {
  it("hello fills the whole desk and the clock offset", () => {
    const s = hello();
    expect(s.connection).toBe("open");
    expect(s.agent?.name).toBe("김민준");
    expect(s.status?.status).toBe("preparing");
    expect(waitingTotal(s)).toBe(2);
    expect(s.agentCounts.inServiceCount).toBe(1);
    expect(s.agents).toEqual({});
    expect(s.clockOffsetMs).toBe(1000);
  });

  it("follows a call from offer to wrap-up and back to ready", () => {
    let s = hello();
    s = applyFrame(s, frame({ type: "call.offered", ...call, seq: 1 }));
    expect(s.call?.state).toBe("ringing");
    expect((s.call as unknown as { seq?: number }).seq).toBeUndefined();
    s = applyFrame(s, frame({ type: "call.connected", ...call, state: "on_call", seq: 2 }));
    expect(s.call?.state).toBe("on_call");
    s = applyFrame(s, frame({ type: "call.ended", callId: 7, ticketId: call.ticketId, by: "customer", outcome: "completed", wrapUp: true, seq: 3 }));
    expect(s.call?.state).toBe("wrap_up");
    expect(s.lastEnded?.by).toBe("customer");
    s = applyFrame(s, frame({ type: "agent.status", ...status("ready"), seq: 4 }));
    expect(s.call).toBeNull();
    expect(s.status?.status).toBe("ready");
  });

  it("a missed ring clears the call without wrap-up", () => {
    let s = applyFrame(hello(), frame({ type: "call.offered", ...call, seq: 1 }));
    s = applyFrame(s, frame({ type: "call.ended", callId: 7, ticketId: call.ticketId, by: "timeout", outcome: "live", wrapUp: false, seq: 2 }));
    expect(s.call).toBeNull();
  });

  it("keeps counts for every desk and rows only for a watched list: reset, changes, leavers", () => {
    let s = hello();
    s = applyFrame(s, frame({ type: "agents", changed: [], removed: [], reset: false, inServiceCount: 2, allCount: 2, byState: { ready: 2 }, seq: 1 }));
    expect(s.agentCounts.inServiceCount).toBe(2);
    expect(s.agents).toEqual({});
    s = applyFrame(s, frame({ type: "agents", changed: [row(1, "ready", true), row(2, "ready", true)], removed: [], reset: true, inServiceCount: 2, allCount: 2, byState: { ready: 2 }, seq: 2 }));
    expect(inServiceAgents(s).length).toBe(2);
    s = applyFrame(s, frame({ type: "agents", changed: [row(1, "on_call", true)], removed: [2], reset: false, inServiceCount: 2, allCount: 2, byState: { ready: 1, on_call: 1 }, seq: 3 }));
    expect(Object.keys(s.agents)).toEqual(["1"]);
    expect(s.agents[1].status).toBe("on_call");
    // A new filter's reset replaces the list.
    s = applyFrame(s, frame({ type: "agents", changed: [row(2, "aux", false)], removed: [], reset: true, inServiceCount: 1, allCount: 2, byState: { aux: 1, on_call: 1 }, seq: 4 }));
    expect(Object.keys(s.agents)).toEqual(["2"]);
    s = applyFrame(s, frame({ type: "queue", service: "main", serviceName: "대표번호", waiting: 0, longestWaitS: 0, oldestSince: null, answered: 1, abandoned: 0, seq: 5 }));
    expect(waitingTotal(s)).toBe(0);
  });

  it("adds changed consultations newest first with the pushed counts", () => {
    const c = (t: string, at: string) => ({ ticketId: t, channel: "IN", service: "main", serviceName: "대표번호", number: "0101", agentId: 1, agentName: "김", startedAt: at, endedAt: at, talkS: 1, outcome: "completed", category: null, result: null, hasNote: false });
    let s = hello();
    s = applyFrame(s, frame({ type: "consultations", items: [c("T1", "2026-11-23T01:00:00Z")], full: false, inCount: 1, outCount: 0, total: 1, seq: 1 }));
    s = applyFrame(s, frame({ type: "consultations", items: [c("T2", "2026-11-23T02:00:00Z")], full: false, inCount: 2, outCount: 0, total: 2, seq: 2 }));
    s = applyFrame(s, frame({ type: "consultations", items: [{ ...c("T1", "2026-11-23T01:00:00Z"), hasNote: true }], full: false, inCount: 2, outCount: 0, total: 2, seq: 3 }));
    expect(s.consultations.map((x) => x.ticketId)).toEqual(["T2", "T1"]);
    expect(s.consultations[1].hasNote).toBe(true);
    expect(s.consCounts.total).toBe(2);
  });
});

describe("message results", () => {
  it("keeps the latest delivery result without the frame's seq", () => {
    const frame = {
      type: "message",
      seq: 12,
      id: 3,
      brandId: 1,
      kind: "alimtalk",
      to: "01023456789",
      customerId: 1,
      title: null,
      body: "김영희님, 주문해 주셔서 감사합니다.",
      bytes: 36,
      templateCode: "ORDER_CONFIRM",
      templateName: "주문 확인",
      variables: { 고객명: "김영희" },
      fallback: true,
      status: "sent",
      reason: null,
      sentAs: "alimtalk",
      providerRef: "outbox-calldesk-1-3",
      agentId: 9,
      agentName: "장서준",
      ticketId: null,
      createdAt: "2026-11-23T00:00:00Z",
      doneAt: "2026-11-23T00:00:01Z",
    } as unknown as ServerMsg;
    const s = applyFrame(emptyDesk, frame);
    expect(s.lastMessage?.status).toBe("sent");
    expect(s.lastMessage?.id).toBe(3);
    expect(s.lastMessage && "seq" in s.lastMessage).toBe(false);
    expect(s.lastMessage && "type" in s.lastMessage).toBe(false);
  });
});

describe("sortAgents", () => {
  it("orders by state (ready first, logged-out last), then longest in state", () => {
    const row = (agentId: number, status: string, since: string, name = `a${agentId}`) =>
      ({ agentId, name, extension: "", status, reason: null, since, inService: false }) as never;
    const out = sortAgents([
      row(1, "logged_out", "2026-11-30T00:00:00Z"),
      row(2, "on_call", "2026-11-30T00:05:00Z"),
      row(3, "ready", "2026-11-30T00:09:00Z"),
      row(4, "ready", "2026-11-30T00:01:00Z"),
      row(5, "aux", "2026-11-30T00:00:00Z"),
    ]);
    expect(out.map((a: { agentId: number }) => a.agentId)).toEqual([4, 3, 2, 5, 1]);
  });
});

describe("services frame", () => {
  it("replaces the brand's services (a new one shows in 상담 대기중)", () => {
    const s = applyFrame(emptyDesk, {
      type: "services",
      items: [{ code: "vip", name: "VIP 전용", ringTimeoutS: 5, wrapUpLimitS: null }],
    } as ServerMsg);
    expect(s.services.map((x) => x.code)).toEqual(["vip"]);
  });
});

describe("brand frame", () => {
  it("replaces the brand's settings (new 상담유형 show in the note form)", () => {
    const s = applyFrame(emptyDesk, {
      type: "brand",
      id: 1,
      name: "데모몰",
      timezone: "Asia/Seoul",
      ringTimeoutS: 5,
      wrapUpLimitS: 60,
      callsMode: "total",
      categories: ["배송"],
      results: ["완료"],
      hasMall: true,
      seq: 4,
    } as unknown as ServerMsg);
    expect(s.brand?.categories).toEqual(["배송"]);
    expect(s.brand?.ringTimeoutS).toBe(5);
    expect((s.brand as unknown as { seq?: number }).seq).toBeUndefined();
  });
});
