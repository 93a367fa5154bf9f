// The wallboard's state and the pure functions over it: `applyBoard` folds a `wallboard`
// frame in (a full board replaces, a change merges services whole and agent rows by id), and
// `tone` says how a figure is coloured from the brand's thresholds. The page only renders.

import type { BoardAgent } from "../generated/BoardAgent";
import type { IntervalRow } from "../generated/IntervalRow";
import type { ServiceTile } from "../generated/ServiceTile";
import type { WallboardSettings } from "../generated/WallboardSettings";
import type { WallboardView } from "../generated/WallboardView";

export interface BoardState {
  loaded: boolean;
  date: string;
  asOf: string;
  /** Services in the brand's order. */
  services: ServiceTile[];
  agents: Record<number, BoardAgent>;
  intervals: IntervalRow[];
  settings: WallboardSettings;
}

export const emptyBoard: BoardState = {
  loaded: false,
  date: "",
  asOf: "",
  services: [],
  agents: {},
  intervals: [],
  settings: { answerRateGreen: 85, answerRateYellow: 70, waitingWarn: 5, longestWaitWarnS: 60, auxWarnMin: 15 },
};

export function applyBoard(s: BoardState, v: WallboardView): BoardState {
  if (v.full) {
    const agents: Record<number, BoardAgent> = {};
    for (const a of v.agents) agents[a.id] = a;
    return { loaded: true, date: v.date, asOf: v.asOf, services: v.services, agents, intervals: v.intervals, settings: v.settings };
  }
  if (!s.loaded) return s;
  const byCode = new Map(v.services.map((t) => [t.code, t]));
  const services = s.services.map((t) => byCode.get(t.code) ?? t);
  for (const t of v.services) if (!s.services.some((x) => x.code === t.code)) services.push(t);
  const agents = v.agents.length ? { ...s.agents } : s.agents;
  for (const a of v.agents) agents[a.id] = a;
  return {
    ...s,
    date: v.date,
    asOf: v.asOf,
    services,
    agents,
    intervals: v.intervals.length ? v.intervals : s.intervals,
    settings: v.settings,
  };
}

export type Tone = "good" | "warn" | "bad" | "none";

/** 응대율 against the brand's bands (green ≥ green, yellow ≥ yellow, else red). */
export function answerTone(rate: number | null, st: WallboardSettings): Tone {
  if (rate === null) return "none";
  if (rate >= st.answerRateGreen) return "good";
  if (rate >= st.answerRateYellow) return "warn";
  return "bad";
}

/** Service level against the service's own target. */
export function slTone(t: ServiceTile): Tone {
  if (t.serviceLevel === null) return "none";
  return t.serviceLevel >= t.slTargetPct ? "good" : "bad";
}

export function waitingTone(t: ServiceTile, st: WallboardSettings): Tone {
  return t.waiting >= st.waitingWarn ? "bad" : t.waiting > 0 ? "warn" : "good";
}

export function longestTone(seconds: number, st: WallboardSettings): Tone {
  return seconds >= st.longestWaitWarnS ? "bad" : seconds > 0 ? "warn" : "good";
}

/** An agent's time in state warns past the brand's 기타 minutes, or past the wrap-up limit. */
export function agentTone(a: BoardAgent, secondsInState: number, st: WallboardSettings, wrapLimitS: number): Tone {
  if (a.stale) return "bad";
  if (a.status === "aux" && secondsInState >= st.auxWarnMin * 60) return "bad";
  if (a.status === "wrap_up" && wrapLimitS > 0 && secondsInState > wrapLimitS) return "bad";
  return "none";
}

/** Agents sorted by a column; ties by name. */
export type SortKey = "name" | "status" | "since" | "callsIn" | "talkS" | "occupancy";

/** Korean name order, one collator for every comparison (`localeCompare` with a locale builds
 *  one per call: 5,000 rows sorted that way took ~150 ms per board change). */
const byName = new Intl.Collator("ko").compare;
const STATUS_ORDER = ["ringing", "on_call", "dialing", "wrap_up", "ready", "aux", "preparing", "logged_out"];

export function sortBoardAgents(list: BoardAgent[], key: SortKey, desc: boolean): BoardAgent[] {
  const val = (a: BoardAgent): number | string => {
    switch (key) {
      case "name":
        return "";
      case "status":
        return STATUS_ORDER.indexOf(a.status);
      case "since":
        return a.since;
      case "callsIn":
        return a.callsIn;
      case "talkS":
        return a.talkS;
      case "occupancy":
        return a.occupancy ?? -1;
    }
  };
  // Each row's key once, then a sort of the pairs (the comparator runs n log n times).
  const keyed = list.map((a) => ({ a, k: val(a) }));
  keyed.sort((x, y) => {
    const c = x.k < y.k ? -1 : x.k > y.k ? 1 : byName(x.a.name, y.a.name) || (x.a.login < y.a.login ? -1 : 1);
    return desc ? -c : c;
  });
  return keyed.map((x) => x.a);
}

export interface AgentFilter {
  service: string;
  state: string;
  q: string;
}

export function filterBoardAgents(list: BoardAgent[], f: AgentFilter): BoardAgent[] {
  const q = f.q.trim().toLowerCase();
  return list.filter(
    (a) =>
      (!f.service || a.services.includes(f.service)) &&
      (!f.state || (f.state === "signed_in" ? a.status !== "logged_out" : a.status === f.state)) &&
      (!q || a.name.toLowerCase().includes(q) || a.login.toLowerCase().includes(q) || a.extension.includes(q)),
  );
}
