// /wallboard (전광판) for managers: each service's tile (대기콜, 최장대기 ticking, 응대율 and SL
// coloured by the brand's thresholds, 인입·응대·포기·단순포기, ASA, AHT, the Erlang C 예상대기 and
// 필요 상담사 against those serving), today's 30-minute chart, and every agent's row — state and
// time in it ticking, the call in hand, today's figures, a quiet desk marked — sortable,
// filterable and virtualized. Managers act from here: set a status (with a note the agent sees),
// sign out after the call, ask why someone gets no calls, post a floor notice (공지).
// `/wallboard?tv=1` is the wall display: large type, high contrast, no controls.
// Pushed over the socket (`wallboard.watch`, a socket that does not sign the manager in).

import { useEffect, useMemo, useRef, useState } from "react";
import { api, ApiError, setToken } from "../api";
import { notify } from "../actions";
import { secondsSince, useNow } from "../clock";
import { applyFrame, deskStore } from "../desk";
import { clockTime, mmss } from "../format";
import { AUX_REASONS, auxLabel, statusLabel, useLang, useT } from "../i18n";
import { DeskSocket, SessionEnded } from "../socket";
import { createStore, useStore } from "../store";
import { Field, FormModal, ManagersOnly, useMe, useSubmit } from "../admin/shared";
import { Notices } from "../components/Notices";
import { ChoiceSelect, serviceChoices } from "../components/ChoiceSelect";
import type { BoardAgent } from "../generated/BoardAgent";
import type { RoutingWhy } from "../generated/RoutingWhy";
import type { ServiceTile } from "../generated/ServiceTile";
import type { WallboardSettings } from "../generated/WallboardSettings";
import { IntervalChart } from "./IntervalChart";
import { ReportDialog } from "./ReportDialog";
import {
  agentTone,
  answerTone,
  applyBoard,
  emptyBoard,
  filterBoardAgents,
  longestTone,
  slTone,
  sortBoardAgents,
  waitingTone,
  type SortKey,
} from "./board";

export const boardStore = createStore(emptyBoard);
const connection = createStore<"connecting" | "open" | "reconnecting">("connecting");

function connectBoard(onLoggedOut: () => void): () => void {
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const socket: DeskSocket = new DeskSocket({
    url: async () => {
      try {
        const t = await api<{ ticket: string }>("POST", "/api/ws/ticket");
        return `${proto}://${location.host}/api/ws?ticket=${encodeURIComponent(t.ticket)}&mode=board`;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) throw new SessionEnded(e.message);
        throw e;
      }
    },
    onFrame: (f) => {
      if (f.type === "hello") {
        // The clock offset and the services' names come with hello; then the board.
        deskStore.set((s) => applyFrame(s, f));
        socket.request({ type: "wallboard.watch" }).catch((e: unknown) => notify("error", e instanceof Error ? e.message : String(e)));
      } else if (f.type === "wallboard") {
        boardStore.set((s) => applyBoard(s, f));
      }
    },
    onState: (s) => connection.set(() => s),
    onSessionEnded: () => {
      setToken(null);
      onLoggedOut();
    },
  });
  socket.start();
  return () => socket.stop();
}

function fmtPct(v: number | null): string {
  return v === null ? "–" : `${v.toFixed(1)}%`;
}

function fmtS(v: number | null): string {
  return v === null ? "–" : `${Math.round(v)}초`;
}

function Figure(props: { label: string; value: string; tone?: string; tip: string; big?: boolean; testid?: string }) {
  return (
    <div className={`wb-fig ${props.big ? "big" : ""} tone-${props.tone ?? "none"}`} title={props.tip} data-testid={props.testid}>
      <span className="wb-fig-label">{props.label}</span>
      <span className="wb-fig-value">{props.value}</span>
    </div>
  );
}

function ServiceCard({ tile, settings, now, tv }: { tile: ServiceTile; settings: WallboardSettings; now: number; tv: boolean }) {
  const t = useT();
  const longest = tile.oldestSince ? secondsSince(tile.oldestSince, now) : 0;
  const resolved = tile.answered + tile.abandoned;
  return (
    <section className={`wb-card ${tv ? "tv" : ""}`} data-testid={`wb-service-${tile.code}`} aria-label={tile.name}>
      <header className="wb-card-head">
        <h2>{tile.name}</h2>
        {tile.overloaded && <span className="wb-overload">{t("overloaded")}</span>}
      </header>
      <div className="wb-row">
        <Figure big label={t("waitingCalls")} value={String(tile.waiting)} tone={waitingTone(tile, settings)} tip={`${t("waitingCalls")}: ${tile.waiting}`} testid="wb-waiting" />
        <Figure big label={t("longestWait")} value={mmss(longest)} tone={longestTone(longest, settings)} tip={`${t("longestWait")} (${settings.longestWaitWarnS}s ↑ ${t("warn")})`} testid="wb-longest" />
        <Figure
          big
          label={t("answerRate")}
          value={fmtPct(tile.answerRate)}
          tone={answerTone(tile.answerRate, settings)}
          tip={`${t("answerRate")} = ${t("answered")} ÷ (${t("answered")} + ${t("abandonedCount")}) = ${tile.answered} ÷ ${resolved} · ${settings.answerRateGreen}% / ${settings.answerRateYellow}%`}
          testid="wb-answer-rate"
        />
        <Figure
          big
          label={`SL ${tile.serviceLevelS}s`}
          value={fmtPct(tile.serviceLevel)}
          tone={slTone(tile)}
          tip={`${t("serviceLevel")} = ${tile.serviceLevelS}s ${t("withinAnswered")} ÷ (${t("answered")} + ${t("abandonedCount")}) = ${tile.answeredInSl} ÷ ${resolved} · ${t("target")} ${tile.slTargetPct}%`}
          testid="wb-sl"
        />
      </div>
      <div className="wb-row small">
        <Figure label={t("offered")} value={String(tile.offered)} tip={`${t("offered")}: ${t("offeredDef")}`} testid="wb-offered" />
        <Figure label={t("answered")} value={String(tile.answered)} tip={`${t("answered")}: ${tile.answered}`} testid="wb-answered" />
        <Figure label={t("abandonedCount")} value={String(tile.abandoned)} tip={`${t("abandonedDef").replace("{s}", String(tile.shortAbandonS))} · ${t("abandonRate")} ${fmtPct(tile.abandonRate)}`} testid="wb-abandoned" />
        <Figure label={t("shortAbandoned")} value={String(tile.shortAbandoned)} tip={t("shortAbandonedDef").replace("{s}", String(tile.shortAbandonS))} />
        <Figure label="ASA" value={fmtS(tile.asaS)} tip={`ASA = ${t("asaDef")} = ${(tile.waitAnsweredMs / 1000).toFixed(0)}s ÷ ${tile.answered}`} testid="wb-asa" />
        <Figure label="AHT" value={fmtS(tile.ahtS)} tip={`AHT = ${t("ahtDef")} = ${tile.handleS}s ÷ ${tile.answered}`} testid="wb-aht" />
      </div>
      <div className="wb-row small">
        <Figure
          label={t("estimatedWait")}
          value={tile.overloaded ? t("overloaded") : fmtS(tile.estimatedWaitS)}
          tone={tile.overloaded ? "bad" : "none"}
          tip={`Erlang C: ${t("last15m")} ${tile.arrivals15m} · AHT ${fmtS(tile.ahtS)} · ${t("agentsServing")} ${tile.agentsStaffed} → ${tile.loadErlangs ?? "–"} Erl`}
        />
        <Figure
          label={t("agentsNeeded")}
          value={`${tile.agentsNeeded ?? "–"} / ${tile.agentsStaffed}`}
          tone={tile.agentsNeeded !== null && tile.agentsNeeded > tile.agentsStaffed ? "bad" : "none"}
          tip={t("agentsNeededDef").replace("{pct}", String(tile.slTargetPct)).replace("{s}", String(tile.serviceLevelS))}
          testid="wb-needed"
        />
        <Figure label={t("ready")} value={String(tile.ready)} tip={t("ready")} />
        <Figure label={t("onCallShort")} value={String(tile.onCall)} tip={t("onCallShort")} />
        <Figure label={t("wrapUp")} value={String(tile.wrapUp)} tip={t("wrapUp")} />
        <Figure label={t("other")} value={String(tile.other)} tip={t("otherDef")} />
      </div>
      <WaitBuckets tile={tile} />
    </section>
  );
}

const BUCKETS = ["<10s", "<20s", "<30s", "<60s", "≥60s"];

/** Answered calls by wait, as a bar split in five (Korean boards' 대기시간 구간). */
function WaitBuckets({ tile }: { tile: ServiceTile }) {
  const t = useT();
  const total = tile.waitBuckets.reduce((a, b) => a + b, 0);
  return (
    <div className="wb-buckets" title={t("waitBucketsDef")} data-testid="wb-buckets">
      <span className="wb-fig-label">{t("waitBuckets")}</span>
      <div className="wb-bucket-bar">
        {tile.waitBuckets.map((n, i) => (
          <span key={i} className={`wb-bucket b${i}`} style={{ flexGrow: total ? n : 1 }} title={`${BUCKETS[i]}: ${n}`}>
            {n > 0 || total === 0 ? `${BUCKETS[i]} ${n}` : ""}
          </span>
        ))}
      </div>
    </div>
  );
}

const ROW_H = 30;
/** Column widths (%): name, state, since, current call, IN, OUT, talk, wrap-up, other,
 *  occupancy, actions. */
const COL_WIDTHS = [14, 15, 7, 17, 5, 5, 7, 6, 6, 6, 12];
const OVERSCAN = 10;
const STATES = ["ready", "ringing", "on_call", "dialing", "wrap_up", "aux", "preparing", "logged_out"];

function AgentTable({ now, onAct }: { now: number; onAct: (a: BoardAgent, what: "status" | "logout" | "why") => void }) {
  const t = useT();
  const lang = useLang();
  const agents = useStore(boardStore, (s) => s.agents);
  const services = useStore(boardStore, (s) => s.services);
  const settings = useStore(boardStore, (s) => s.settings);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "status", desc: false });
  const [filter, setFilter] = useState({ service: "", state: "signed_in", q: "" });
  const rows = useMemo(
    () => sortBoardAgents(filterBoardAgents(Object.values(agents), filter), sort.key, sort.desc),
    [agents, filter, sort],
  );
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(480);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const first = Math.max(0, Math.floor(scroll / ROW_H) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scroll + height) / ROW_H) + OVERSCAN);
  const head = (key: SortKey, label: string, num = false) => (
    <th className={num ? "num" : ""} aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"}>
      <button className="th-sort" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : false }))} data-testid={`wb-sort-${key}`}>
        {label}
        {sort.key === key ? (sort.desc ? " ▼" : " ▲") : ""}
      </button>
    </th>
  );
  const wrapLimit = (a: BoardAgent) => {
    const code = a.call?.service;
    const svc = deskStore.get().services.find((s) => s.code === code);
    return svc?.wrapUpLimitS ?? deskStore.get().brand?.wrapUpLimitS ?? 0;
  };
  return (
    <section className="wb-agents" aria-label={t("agentsBoard")}>
      <div className="agent-filters">
        <input value={filter.q} placeholder={t("agentSearch")} aria-label={t("agentSearch")} data-testid="wb-search" onChange={(e) => setFilter({ ...filter, q: e.target.value })} />
        <ChoiceSelect value={filter.service} onChange={(v) => setFilter({ ...filter, service: v })} label={t("servicesLabel")} testid="wb-filter-service" all={t("allServices")} choices={serviceChoices(services)} />
        <ChoiceSelect value={filter.state} onChange={(v) => setFilter({ ...filter, state: v })} label={t("state")} testid="wb-filter-state" all={t("allStates")} choices={[{ value: "signed_in", label: t("signedIn") }, ...STATES.map((st) => ({ value: st, label: statusLabel(lang, st) }))]} />
        <span className="muted small num" data-testid="wb-agent-count">
          {rows.length} / {Object.keys(agents).length}
        </span>
      </div>
      <div className="wb-table" ref={box} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        <table className="grid">
          <colgroup>
            {COL_WIDTHS.map((w, i) => (
              <col key={i} style={{ width: `${w}%` }} />
            ))}
          </colgroup>
          <thead>
            <tr>
              {head("name", t("name"))}
              {head("status", t("state"))}
              {head("since", t("since"), true)}
              <th>{t("currentCall")}</th>
              {head("callsIn", "IN", true)}
              <th className="num">OUT</th>
              {head("talkS", t("talkTotal"), true)}
              <th className="num">{t("wrapUp")}</th>
              <th className="num">{t("other")}</th>
              {head("occupancy", t("occupancy"), true)}
              <th aria-label={t("actions")} />
            </tr>
          </thead>
          <tbody>
            {first > 0 && <tr style={{ height: first * ROW_H }} aria-hidden="true" />}
            {rows.slice(first, last).map((a) => {
              const inState = secondsSince(a.since, now);
              const tone = agentTone(a, inState, settings, wrapLimit(a));
              return (
                <tr key={a.id} className={`vrow tone-${tone}`} data-testid={`wb-agent-${a.login}`} data-status={a.status}>
                  <td className="nowrap">
                    {a.name} <span className="muted small">{a.extension}</span>
                    {a.stale && (
                      <span className="wb-stale" title={t("staleDef")} data-testid="wb-stale">
                        {t("stale")}
                      </span>
                    )}
                  </td>
                  <td>
                    <span className={`badge sm st-${a.status}`}>{statusLabel(lang, a.status, a.reason)}</span>
                  </td>
                  <td className="num">{a.status === "logged_out" ? "" : mmss(inState)}</td>
                  <td className="nowrap">{a.call ? `${a.call.serviceName} · ${mmss(secondsSince(a.call.since, now))}` : ""}</td>
                  <td className="num">{a.callsIn}</td>
                  <td className="num">{a.callsOut}</td>
                  <td className="num">{mmss(a.talkS)}</td>
                  <td className="num">{mmss(a.wrapUpS)}</td>
                  <td className="num">{mmss(a.awayS)}</td>
                  <td className="num">{a.occupancy === null ? "–" : `${a.occupancy.toFixed(1)}%`}</td>
                  <td className="nowrap wb-actions">
                    <button className="btn xs" onClick={() => onAct(a, "why")} title={t("whyNoCalls")} aria-label={`${a.name} ${t("whyNoCalls")}`} data-testid="wb-why">
                      ⓘ
                    </button>
                    <button className="btn xs" disabled={a.status === "logged_out"} onClick={() => onAct(a, "status")} data-testid="wb-force">
                      {t("setStatus")}
                    </button>
                    <button className="btn xs" disabled={a.status === "logged_out"} onClick={() => onAct(a, "logout")} data-testid="wb-signout">
                      {t("signOut")}
                    </button>
                  </td>
                </tr>
              );
            })}
            {last < rows.length && <tr style={{ height: (rows.length - last) * ROW_H }} aria-hidden="true" />}
          </tbody>
        </table>
        {rows.length === 0 && <p className="empty">{t("noAgentsMatch")}</p>}
      </div>
    </section>
  );
}

function ForceStatusDialog({ agent, onClose }: { agent: BoardAgent; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const [choice, setChoice] = useState("ready");
  const [note, setNote] = useState("");
  const { busy, errors, run } = useSubmit();
  const submit = () =>
    run(async () => {
      const [status, reason] = choice.startsWith("aux:") ? ["aux", choice.slice(4)] : [choice, undefined];
      await api("POST", `/api/admin/agents/${agent.id}/status`, { status, reason, note });
      notify("info", `${agent.name}: ${statusLabel(lang, status, reason)}`);
      onClose();
    });
  return (
    <FormModal title={`${t("setStatus")} · ${agent.name}`} testid="wb-force-dialog" busy={busy} submitLabel={t("setStatus")} cancelLabel={t("cancel")} onSubmit={() => void submit()} onClose={onClose}>
      <Field label={t("state")} error={errors.status}>
        <select value={choice} onChange={(e) => setChoice(e.target.value)} data-testid="wb-force-status">
          <option value="ready">{statusLabel(lang, "ready")}</option>
          <option value="preparing">{statusLabel(lang, "preparing")}</option>
          {AUX_REASONS.map((r) => (
            <option key={r} value={`aux:${r}`}>
              {statusLabel(lang, "aux")} · {auxLabel(lang, r)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("managerNote")} error={errors.note} hint={t("managerNoteHint")}>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={3} maxLength={200} data-testid="wb-force-note" />
      </Field>
    </FormModal>
  );
}

function SignOutDialog({ agent, onClose }: { agent: BoardAgent; onClose: () => void }) {
  const t = useT();
  const [note, setNote] = useState("");
  const { busy, errors, run } = useSubmit();
  const submit = () =>
    run(async () => {
      const r = await api<{ afterCall: boolean }>("POST", `/api/admin/agents/${agent.id}/logout`, { note });
      notify("info", (r.afterCall ? t("signOutAfterCall") : t("signedOutNow")).replace("{name}", agent.name));
      onClose();
    });
  return (
    <FormModal title={`${t("signOut")} · ${agent.name}`} testid="wb-signout-dialog" busy={busy} submitLabel={t("signOut")} cancelLabel={t("cancel")} onSubmit={() => void submit()} onClose={onClose}>
      <p className="muted">{t("signOutBody")}</p>
      <Field label={t("managerNote")} error={errors.note}>
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={200} data-testid="wb-signout-note" />
      </Field>
    </FormModal>
  );
}

function NoticeDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const services = useStore(boardStore, (s) => s.services);
  const [text, setText] = useState("");
  const [service, setService] = useState("");
  const { busy, errors, run } = useSubmit();
  const submit = () =>
    run(async () => {
      await api("POST", "/api/notices", { text, service: service || null });
      notify("info", t("noticeSent"));
      onClose();
    });
  return (
    <FormModal title={t("postNotice")} testid="wb-notice-dialog" busy={busy} submitLabel={t("send")} cancelLabel={t("cancel")} onSubmit={() => void submit()} onClose={onClose}>
      <Field label={t("noticeTo")} error={errors.service}>
        <select value={service} onChange={(e) => setService(e.target.value)} data-testid="wb-notice-service">
          <option value="">{t("allDesks")}</option>
          {services.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("floorNotice")} error={errors.text}>
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={3} maxLength={500} data-testid="wb-notice-text" />
      </Field>
    </FormModal>
  );
}

function WhyDialog({ agent, onClose }: { agent: BoardAgent; onClose: () => void }) {
  const t = useT();
  const [why, setWhy] = useState<RoutingWhy | null>(null);
  useEffect(() => {
    api<RoutingWhy>("GET", `/api/wallboard/agents/${agent.id}/why`).then(setWhy, (e: unknown) =>
      setWhy({ code: "error", text: e instanceof Error ? e.message : String(e), lines: [] }),
    );
  }, [agent.id]);
  return (
    <FormModal title={`${t("whyNoCalls")} · ${agent.name}`} testid="wb-why-dialog" busy={false} submitLabel={t("close")} cancelLabel={t("cancel")} onSubmit={onClose} onClose={onClose}>
      <p data-testid="wb-why-text">{why ? why.text : "…"}</p>
    </FormModal>
  );
}

export function WallboardPage({ onLoggedOut }: { onLoggedOut: () => void }) {
  const t = useT();
  const lang = useLang();
  const tv = new URLSearchParams(location.search).get("tv") === "1";
  const { me, error } = useMe(onLoggedOut);
  const [act, setAct] = useState<{ agent: BoardAgent; what: "status" | "logout" | "why" } | null>(null);
  const [noticeOpen, setNoticeOpen] = useState(false);
  const [reportOpen, setReportOpen] = useState(false);
  const board = useStore(boardStore, (s) => s);
  const online = useStore(connection, (s) => s);
  const brand = useStore(deskStore, (s) => s.brand);
  const now = useNow();

  const manager = me !== null && me.role !== "agent";
  useEffect(() => (manager ? connectBoard(onLoggedOut) : undefined), [manager, onLoggedOut]);
  useEffect(() => {
    document.title = `${t("wallboard")} · calldesk`;
  }, [t]);

  if (error) return <p className="login-error">{error}</p>;
  if (!me) return <div className="desk-loading">…</div>;
  if (!manager) return <ManagersOnly testid="wallboard-forbidden" title={t("wallboardOnly")} />;
  // The centre's time, as the board's intervals are, whatever zone the screen's browser is in.
  const clock = clockTime(new Date(now).toISOString());
  const byState: Record<string, number> = {};
  for (const a of Object.values(board.agents)) byState[a.status] = (byState[a.status] ?? 0) + 1;
  return (
    <div className={`wallboard ${tv ? "tv" : ""}`} data-testid="wallboard">
      <header className="header wb-header">
        <div className="hdr-group">
          <span className="brand">
            {t("wallboard")} · {brand?.name}
          </span>
          <span className="wb-clock num" data-testid="wb-clock">
            {clock}
          </span>
          {online !== "open" && <span className="badge st-aux">{t("reconnecting")}</span>}
        </div>
        {!tv && (
          <div className="hdr-group hdr-right">
            <button className="btn" onClick={() => setNoticeOpen(true)} data-testid="wb-notice-open">
              {t("postNotice")}
            </button>
            <a className="btn" href="/wallboard?tv=1" target="_blank" rel="noreferrer" data-testid="wb-tv-link">
              {t("tvMode")}
            </a>
            <button className="btn" onClick={() => setReportOpen(true)} data-testid="wb-report-open">
              {t("reports")}
            </button>
            <a className="btn" href="/">
              ← {t("appName")}
            </a>
          </div>
        )}
      </header>
      {!board.loaded ? (
        <div className="desk-loading">…</div>
      ) : (
        <main className="wb-body">
          <div className="wb-cards">
            {board.services.map((s) => (
              <ServiceCard key={s.code} tile={s} settings={board.settings} now={now} tv={tv} />
            ))}
          </div>
          <div className="wb-mid">
            <section className="wb-chart-box" aria-label={t("intervalChart")}>
              <h2>{t("todayByInterval")}</h2>
              <IntervalChart rows={board.intervals} tv={tv} />
            </section>
            <section className="wb-states" aria-label={t("agentStates")} data-testid="wb-states">
              <h2>{t("agentStates")}</h2>
              {STATES.filter((s) => s !== "logged_out").map((s) => (
                <div key={s} className="wb-state">
                  <span className={`badge sm st-${s}`}>{statusLabel(lang, s)}</span>
                  <span className="num">{byState[s] ?? 0}</span>
                </div>
              ))}
            </section>
          </div>
          {!tv && <AgentTable now={now} onAct={(agent, what) => setAct({ agent, what })} />}
        </main>
      )}
      {act?.what === "status" && <ForceStatusDialog agent={act.agent} onClose={() => setAct(null)} />}
      {act?.what === "logout" && <SignOutDialog agent={act.agent} onClose={() => setAct(null)} />}
      {act?.what === "why" && <WhyDialog agent={act.agent} onClose={() => setAct(null)} />}
      {noticeOpen && <NoticeDialog onClose={() => setNoticeOpen(false)} />}
      {reportOpen && <ReportDialog today={board.date} onClose={() => setReportOpen(false)} />}
      <Notices />
    </div>
  );
}
