// The desk's state and the pure reducer that applies server frames to it. The socket's
// handlers only call `applyFrame`; components only read `deskStore`.

import type { AgentCounts } from "./generated/AgentCounts";
import type { AgentPublic } from "./generated/AgentPublic";
import type { AgentRow } from "./generated/AgentRow";
import type { BrandView } from "./generated/BrandView";
import type { CallView } from "./generated/CallView";
import type { ConsultationSummary } from "./generated/ConsultationSummary";
import type { Message } from "./generated/Message";
import type { Notice } from "./generated/Notice";
import type { NoticeFrame } from "./generated/NoticeFrame";
import type { QueueView } from "./generated/QueueView";
import type { ReservationsView } from "./generated/ReservationsView";
import type { ServerMsg } from "./generated/ServerMsg";
import type { ServiceView } from "./generated/ServiceView";
import type { StatsView } from "./generated/StatsView";
import type { StatusView } from "./generated/StatusView";
import { createStore } from "./store";

export type Connection = "connecting" | "open" | "reconnecting";

export interface DeskState {
  connection: Connection;
  agent: AgentPublic | null;
  status: StatusView | null;
  call: CallView | null;
  brand: BrandView | null;
  services: ServiceView[];
  stats: StatsView | null;
  queues: Record<string, QueueView>;
  /** 상담중 N, 전체 N and per status: every desk has these. */
  agentCounts: AgentCounts;
  /** Agent rows: only while a list is open (`watchAgents`), for its filter. */
  agents: Record<number, AgentRow>;
  consultations: ConsultationSummary[];
  consCounts: { inCount: number; outCount: number; total: number };
  /** 예약 현황: my unprocessed reservations, soonest first. */
  reservations: ReservationsView;
  /** serverTime − local clock at hello, in ms, so timers agree with the server. */
  clockOffsetMs: number;
  /** Last call that ended, for a short notice ("고객이 끊었습니다"). */
  lastEnded: { callId: number; ticketId: string; by: string; outcome: string } | null;
  /** The latest delivery result of a message I sent (history panels reload on it). */
  lastMessage: Message | null;
  /** Today's floor notices (공지) for me, newest first. */
  floorNotices: Notice[];
  /** The latest thing a manager did to me (status set, signed out), with their note. */
  managerNotice: NoticeFrame | null;
}

export const emptyDesk: DeskState = {
  connection: "connecting",
  agent: null,
  status: null,
  call: null,
  brand: null,
  services: [],
  stats: null,
  queues: {},
  agentCounts: { inServiceCount: 0, allCount: 0, byState: {} },
  agents: {},
  consultations: [],
  consCounts: { inCount: 0, outCount: 0, total: 0 },
  reservations: { items: [], direct: 0, bulk: 0, callback: 0, total: 0, overdue: 0 },
  clockOffsetMs: 0,
  lastEnded: null,
  lastMessage: null,
  floorNotices: [],
  managerNotice: null,
};

export const deskStore = createStore<DeskState>(emptyDesk);

function upsertConsultations(
  list: ConsultationSummary[],
  items: ConsultationSummary[],
): ConsultationSummary[] {
  const byTicket = new Map(list.map((c) => [c.ticketId, c]));
  for (const c of items) byTicket.set(c.ticketId, c);
  return [...byTicket.values()].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
}

/** Applies one server frame; returns the same object when nothing changed. */
export function applyFrame(s: DeskState, f: ServerMsg, now: number = Date.now()): DeskState {
  switch (f.type) {
    case "hello": {
      const snap = f.snapshot;
      // Rows come again when the open list re-watches (actions.ts does on every hello).
      const agents: Record<number, AgentRow> = {};
      for (const a of snap.agents) agents[a.agentId] = a;
      const queues: Record<string, QueueView> = {};
      for (const q of snap.queues) queues[q.service] = q;
      return {
        ...s,
        connection: "open",
        agent: f.agent,
        status: f.status,
        call: snap.call,
        brand: snap.brand,
        services: snap.services,
        stats: snap.stats,
        queues,
        agents,
        agentCounts: snap.agentCounts,
        consultations: snap.consultations.items,
        consCounts: {
          inCount: snap.consultations.inCount,
          outCount: snap.consultations.outCount,
          total: snap.consultations.total,
        },
        reservations: snap.reservations,
        floorNotices: snap.notices,
        clockOffsetMs: new Date(snap.serverTime).getTime() - now,
      };
    }
    case "notice": {
      const { type: _n, ...frame } = f as ServerMsg & { seq?: number };
      void _n;
      const clean = { ...frame } as NoticeFrame & { seq?: number };
      delete clean.seq;
      if (clean.kind !== "floor") return { ...s, managerNotice: clean };
      const n: Notice = {
        id: Number(clean.id ?? 0),
        brandId: s.agent?.brandId ?? 0,
        text: clean.text,
        service: clean.service,
        by: 0,
        byName: clean.byName,
        at: clean.at,
      };
      return { ...s, floorNotices: [n, ...s.floorNotices.filter((x) => x.id !== n.id)].slice(0, 10) };
    }
    case "agent.status": {
      const { type: _type, ...status } = f as ServerMsg & { seq?: number };
      void _type;
      const clean = { ...status } as StatusView & { seq?: number };
      delete clean.seq;
      let call = s.call;
      if (call && call.state === "wrap_up" && clean.status !== "wrap_up") call = null;
      return { ...s, status: clean, call };
    }
    case "call.updated": {
      if (!s.call || s.call.callId !== f.callId) return s;
      const { type: _u, ...view } = f as ServerMsg & { seq?: number };
      void _u;
      const call = { ...view } as CallView & { seq?: number };
      delete call.seq;
      return { ...s, call };
    }
    case "call.offered":
    case "call.connected": {
      const { type: _t, ...view } = f as ServerMsg & { seq?: number };
      void _t;
      const call = { ...view } as CallView & { seq?: number };
      delete call.seq;
      return { ...s, call, lastEnded: null };
    }
    case "call.ended": {
      if (!s.call || s.call.callId !== f.callId) return s;
      const call: CallView | null = f.wrapUp ? { ...s.call, state: "wrap_up", since: new Date(now + s.clockOffsetMs).toISOString() } : null;
      return { ...s, call, lastEnded: { callId: f.callId, ticketId: f.ticketId, by: f.by, outcome: f.outcome } };
    }
    case "agents": {
      const agentCounts = { inServiceCount: f.inServiceCount, allCount: f.allCount, byState: f.byState };
      if (!f.reset && f.changed.length === 0 && f.removed.length === 0) return { ...s, agentCounts };
      const agents: Record<number, AgentRow> = f.reset ? {} : { ...s.agents };
      for (const a of f.changed) agents[a.agentId] = a;
      for (const id of f.removed) delete agents[id];
      return { ...s, agents, agentCounts };
    }
    case "queue": {
      const { type: _q, ...q } = f as ServerMsg & { seq?: number };
      void _q;
      const view = { ...q } as QueueView & { seq?: number };
      delete view.seq;
      return { ...s, queues: { ...s.queues, [view.service]: view } };
    }
    case "stats": {
      const { type: _s, ...st } = f as ServerMsg & { seq?: number };
      void _s;
      const view = { ...st } as StatsView & { seq?: number };
      delete view.seq;
      return { ...s, stats: view };
    }
    case "reservations": {
      const { type: _r, ...view } = f as ServerMsg & { seq?: number };
      void _r;
      const clean = { ...view } as ReservationsView & { seq?: number };
      delete clean.seq;
      return { ...s, reservations: clean };
    }
    case "services":
      return { ...s, services: f.items };
    case "brand": {
      const { type: _b, ...view } = f as ServerMsg & { seq?: number };
      void _b;
      const brand = { ...view } as BrandView & { seq?: number };
      delete brand.seq;
      return { ...s, brand };
    }
    case "consultations": {
      const consultations = f.full ? f.items : upsertConsultations(s.consultations, f.items);
      return {
        ...s,
        consultations,
        consCounts: { inCount: f.inCount, outCount: f.outCount, total: f.total },
      };
    }
    case "message": {
      const { type: _m, ...msg } = f as ServerMsg & { seq?: number };
      void _m;
      const clean = { ...msg } as Message & { seq?: number };
      delete clean.seq;
      return { ...s, lastMessage: clean };
    }
    default:
      return s;
  }
}

/** Agents who can take calls (상담중 상담사). */
export function inServiceAgents(s: DeskState): AgentRow[] {
  return Object.values(s.agents).filter((a) => a.inService);
}

export function waitingTotal(s: DeskState): number {
  return Object.values(s.queues).reduce((n, q) => n + q.waiting, 0);
}

/** The order of states in agent lists: who can take a call first, logged-out last. */
const STATE_ORDER = ["ready", "ringing", "on_call", "dialing", "wrap_up", "aux", "preparing", "logged_out"];

/** Agent lists: by state, then longest in that state first, then name. */
export function sortAgents(rows: AgentRow[]): AgentRow[] {
  const rank = (s: string) => {
    const i = STATE_ORDER.indexOf(s);
    return i < 0 ? STATE_ORDER.length : i;
  };
  return [...rows].sort(
    (a, b) => rank(a.status) - rank(b.status) || a.since.localeCompare(b.since) || a.name.localeCompare(b.name, "ko"),
  );
}
