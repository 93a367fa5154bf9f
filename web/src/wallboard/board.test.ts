// The wallboard reducer and its colour rules.

import { describe, expect, it } from "vitest";
import type { BoardAgent } from "../generated/BoardAgent";
import type { ServiceTile } from "../generated/ServiceTile";
import type { WallboardView } from "../generated/WallboardView";
import { agentTone, answerTone, applyBoard, emptyBoard, filterBoardAgents, slTone, sortBoardAgents } from "./board";

function tile(code: string, over: Partial<ServiceTile> = {}): ServiceTile {
  return {
    code, name: code, waiting: 0, longestWaitS: 0, oldestSince: null, offered: 0, answered: 0, abandoned: 0,
    shortAbandoned: 0, answeredInSl: 0, serviceLevel: null, answerRate: null, abandonRate: null, asaS: null,
    ahtS: null, waitAnsweredMs: 0, handleS: 0, waitBuckets: [0, 0, 0, 0, 0], arrivals15m: 0, estimatedWaitS: null, overloaded: false,
    loadErlangs: null, agentsNeeded: null, agentsStaffed: 0, ready: 0, onCall: 0, wrapUp: 0, other: 0,
    serviceLevelS: 20, shortAbandonS: 5, slTargetPct: 80, ...over,
  };
}

function agent(id: number, name: string, over: Partial<BoardAgent> = {}): BoardAgent {
  return {
    id, login: `a${id}`, name, extension: `20${id}`, services: ["main"], status: "ready", reason: null,
    since: "2026-11-30T00:00:00Z", call: null, callsIn: 0, callsOut: 0, talkS: 0, wrapUpS: 0, awayS: 0,
    readyS: 0, occupancy: null, stale: false, ...over,
  };
}

const settings = { answerRateGreen: 85, answerRateYellow: 70, waitingWarn: 5, longestWaitWarnS: 60, auxWarnMin: 15 };

function view(over: Partial<WallboardView>): WallboardView {
  return { full: false, date: "2026-11-30", asOf: "2026-11-30T01:00:00Z", services: [], agents: [], intervals: [], settings, ...over };
}

describe("wallboard", () => {
  it("a full board replaces, a change merges services whole and agents by id", () => {
    let s = applyBoard(emptyBoard, view({ services: [tile("a"), tile("b")], agents: [agent(1, "김"), agent(2, "이")] }));
    expect(s.loaded).toBe(false); // a change before the first full board is ignored
    s = applyBoard(s, view({ full: true, services: [tile("a"), tile("b")], agents: [agent(1, "김"), agent(2, "이")] }));
    expect(s.loaded).toBe(true);
    s = applyBoard(s, view({ services: [tile("b", { waiting: 3 })], agents: [agent(2, "이", { status: "on_call" })] }));
    expect(s.services.map((t) => [t.code, t.waiting])).toEqual([["a", 0], ["b", 3]]);
    expect(s.agents[2].status).toBe("on_call");
    expect(s.agents[1].status).toBe("ready");
    expect(s.intervals).toEqual([]);
  });

  it("colours 응대율 by the brand's bands and SL by the service's target", () => {
    expect(answerTone(90, settings)).toBe("good");
    expect(answerTone(85, settings)).toBe("good");
    expect(answerTone(84.9, settings)).toBe("warn");
    expect(answerTone(69.9, settings)).toBe("bad");
    expect(answerTone(null, settings)).toBe("none");
    expect(slTone(tile("a", { serviceLevel: 79.9 }))).toBe("bad");
    expect(slTone(tile("a", { serviceLevel: 80 }))).toBe("good");
  });

  it("flags an agent in 기타 too long, past the wrap-up limit, or whose desk went quiet", () => {
    expect(agentTone(agent(1, "김", { status: "aux" }), 15 * 60, settings, 0)).toBe("bad");
    expect(agentTone(agent(1, "김", { status: "aux" }), 14 * 60, settings, 0)).toBe("none");
    expect(agentTone(agent(1, "김", { status: "wrap_up" }), 61, settings, 60)).toBe("bad");
    expect(agentTone(agent(1, "김", { status: "wrap_up" }), 61, settings, 0)).toBe("none");
    expect(agentTone(agent(1, "김", { stale: true }), 0, settings, 0)).toBe("bad");
  });

  it("sorts and filters agent rows", () => {
    const list = [
      agent(1, "박", { status: "aux", talkS: 10, services: ["order"] }),
      agent(2, "김", { status: "on_call", talkS: 30 }),
      agent(3, "이", { status: "ready", talkS: 20, extension: "2999" }),
    ];
    expect(sortBoardAgents(list, "status", false).map((a) => a.id)).toEqual([2, 3, 1]);
    expect(sortBoardAgents(list, "talkS", true).map((a) => a.id)).toEqual([2, 3, 1]);
    expect(sortBoardAgents(list, "name", false).map((a) => a.name)).toEqual(["김", "박", "이"]);
    expect(filterBoardAgents(list, { service: "main", state: "", q: "" }).map((a) => a.id)).toEqual([2, 3]);
    expect(filterBoardAgents(list, { service: "", state: "aux", q: "" }).map((a) => a.id)).toEqual([1]);
    expect(filterBoardAgents(list, { service: "", state: "", q: "2999" }).map((a) => a.id)).toEqual([3]);
  });
});
