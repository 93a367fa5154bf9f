// 상담중 / 전체 상담사 lists (F-AGENTS-*): opened from the header, they watch the server's rows
// for their filter (`agents.watch`: a service, a status, a name / login / extension) and show
// them by state — who can take a call first, logged-out last — with time in state ticking. Only
// the rows in view are in the DOM, so a floor of 5,000 scrolls as smoothly as one of 15.

import { useRef, useState } from "react";
import { secondsSince } from "../clock";
import { deskStore, sortAgents } from "../desk";
import { mmss } from "../format";
import { statusLabel, useLang, useT } from "../i18n";
import { useAgentWatch } from "../hooks";
import { useStore } from "../store";
import type { AgentRow } from "../generated/AgentRow";
import { ChoiceSelect, serviceChoices } from "./ChoiceSelect";

/** One row's height in px (fixed, so the window is computed, not measured). */
const ROW_H = 28;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 8;
/** The list's visible height in rows. */
const VIEW_ROWS = 16;

const STATES = ["ready", "on_call", "ringing", "wrap_up", "dialing", "aux", "preparing", "logged_out"];

type Item = { kind: "row"; row: AgentRow } | { kind: "head"; count: number };

export function AgentList({ mode, now, me }: { mode: "inService" | "all"; now: number; me: number }) {
  const t = useT();
  const lang = useLang();
  const services = useStore(deskStore, (s) => s.services);
  const [q, setQ] = useState("");
  const [service, setService] = useState("");
  const [state, setState] = useState("");
  const [typed, setTyped] = useState("");
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useAgentWatch({
    state: mode === "inService" ? state || "in_service" : state || undefined,
    service: service || undefined,
    q: q || undefined,
  });
  const rows = sortAgents(Object.values(useStore(deskStore, (s) => s.agents)));
  const working = rows.filter((a) => a.status !== "logged_out");
  const out = rows.filter((a) => a.status === "logged_out");
  const items: Item[] = [...working.map((row) => ({ kind: "row" as const, row }))];
  if (out.length > 0) items.push({ kind: "head", count: out.length }, ...out.map((row) => ({ kind: "row" as const, row })));

  const [scroll, setScroll] = useState(0);
  const first = Math.max(0, Math.floor(scroll / ROW_H) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil(scroll / ROW_H) + VIEW_ROWS + OVERSCAN);

  const row = (a: AgentRow) => (
    <tr key={a.agentId} data-agent={a.agentId} className={`vrow ${a.agentId === me ? "me-row" : ""}`} aria-current={a.agentId === me ? "true" : undefined}>
      <td className="nowrap">
        {a.name}
        {a.agentId === me && <span className="me-mark"> ({t("me")})</span>}
      </td>
      <td>{a.extension}</td>
      <td>
        <span className={`badge sm st-${a.status}`}>{statusLabel(lang, a.status, a.reason)}</span>
      </td>
      <td className="num">{a.status === "logged_out" ? "" : mmss(secondsSince(a.since, now))}</td>
    </tr>
  );

  return (
    <div className="agent-list" data-testid={`agent-list-${mode}`}>
      <div className="agent-filters">
        <input
          value={typed}
          placeholder={t("agentSearch")}
          aria-label={t("agentSearch")}
          data-testid="agent-list-search"
          onChange={(e) => {
            const v = e.target.value;
            setTyped(v);
            if (timer.current) clearTimeout(timer.current);
            timer.current = setTimeout(() => setQ(v.trim()), 200);
          }}
        />
        <ChoiceSelect value={service} onChange={setService} label={t("servicesLabel")} testid="agent-list-service" all={t("allServices")} choices={serviceChoices(services)} />
        <ChoiceSelect
          value={state}
          onChange={setState}
          label={t("state")}
          testid="agent-list-state"
          all={t("allStates")}
          choices={STATES.filter((st) => mode === "all" || !["aux", "preparing", "logged_out"].includes(st)).map((st) => ({ value: st, label: statusLabel(lang, st) }))}
        />
        <span className="muted small num" data-testid="agent-list-count">
          {rows.length}
        </span>
      </div>
      <div className="vlist" style={{ maxHeight: ROW_H * VIEW_ROWS + 30 }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        {items.length === 0 ? (
          <p className="empty">{t("noAgentsMatch")}</p>
        ) : (
          <table className="grid">
            <thead>
              <tr>
                <th>{t("name")}</th>
                <th>{t("extension")}</th>
                <th>{t("state")}</th>
                <th className="num">{t("since")}</th>
              </tr>
            </thead>
            <tbody>
              {first > 0 && <tr style={{ height: first * ROW_H }} aria-hidden="true" />}
              {items.slice(first, last).map((it) =>
                it.kind === "row" ? (
                  row(it.row)
                ) : (
                  <tr key="out-head" className="vrow group-head" data-testid="agents-logged-out">
                    <th colSpan={4}>
                      {t("loggedOutAgents")} ({it.count})
                    </th>
                  </tr>
                ),
              )}
              {last < items.length && <tr style={{ height: (items.length - last) * ROW_H }} aria-hidden="true" />}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}
