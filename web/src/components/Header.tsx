// 상단: agent name, extension and status with its timer (F-AGENT-INFO); 대기 / 상담준비 / 기타
// shortcut buttons (F-STATUS-BUTTONS; during a call they choose the status after the call);
// 전화하기 (F-DIAL), 예약하기 and 문자발송 (F-MESSAGE); 상담중 / 전체 상담사 lists (F-AGENTS-*); 상담 현황 (F-CONS-SUMMARY).

import { useEffect, useRef, useState } from "react";
import { createPortal } from "react-dom";
import { chooseStatus, clearNext, logout, whyNoCalls } from "../actions";
import type { RoutingWhy } from "../generated/RoutingWhy";
import { secondsSince, useNow } from "../clock";
import { deskStore } from "../desk";
import { AgentList } from "./AgentList";
import { displayPhone, mmss, timeOfDay } from "../format";
import { AUX_REASONS, auxLabel, setLang, statusLabel, useLang, useT } from "../i18n";
import { useEscape } from "../hooks";
import { AccountDialog } from "./AccountDialog";
import { ringVolumeStore, setRingVolume, testRing } from "../ring";
import { useStore } from "../store";
import { ReservationSummary } from "./Reservations";

type Panel = "other" | "inService" | "all" | "cons" | "resv" | "help" | "why" | null;

export function Header({
  onDial,
  onReserve,
  onMessage,
  onOpenConsultation,
}: {
  onDial: () => void;
  onReserve: () => void;
  onMessage: () => void;
  onOpenConsultation: (t: string) => void;
}) {
  const t = useT();
  const lang = useLang();
  const now = useNow();
  const agent = useStore(deskStore, (s) => s.agent)!;
  const brand = useStore(deskStore, (s) => s.brand);
  const status = useStore(deskStore, (s) => s.status)!;
  const agentCounts = useStore(deskStore, (s) => s.agentCounts);
  const counts = useStore(deskStore, (s) => s.consCounts);
  const consultations = useStore(deskStore, (s) => s.consultations);
  const resv = useStore(deskStore, (s) => s.reservations);
  const [panel, setPanel] = useState<Panel>(null);
  const [accountOpen, setAccountOpen] = useState(false);
  const [why, setWhy] = useState<RoutingWhy | null>(null);
  const online = useStore(deskStore, (s) => s.connection === "open");
  const offlineTitle = online ? undefined : t("offlineAction");
  const ref = useRef<HTMLElement>(null);

  useEffect(() => {
    function away(e: MouseEvent) {
      if (ref.current && !ref.current.contains(e.target as Node)) setPanel(null);
    }
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, []);

  const onACall = ["ringing", "on_call", "dialing"].includes(status.status);
  const toggle = (p: Panel) => setPanel((cur) => (cur === p ? null : p));
  useEscape(() => setPanel(null), panel !== null);
  const next = status.next;

  return (
    <header className="header" ref={ref}>
      <div className="hdr-group">
        <span className="brand">{brand?.name}</span>
        <button className="me link-like" onClick={() => setAccountOpen(true)} title={t("myAccount")} data-testid="account-open">
          <strong>{agent.name}</strong>
          <span className="muted me-ext">
            {" "}
            {t("extension")} {agent.extension}
          </span>
        </button>
        {/* Outside the header's DOM: the header's light-on-navy colours must not reach it. */}
        {accountOpen && createPortal(<AccountDialog onClose={() => setAccountOpen(false)} />, document.body)}
        <span className={`badge st-${status.status}`} data-testid="agent-status">
          {statusLabel(lang, status.status, status.reason)}
        </span>
        <span className="timer" data-testid="status-timer">
          {mmss(secondsSince(status.since, now))}
        </span>
        <div className="menu-anchor">
          <button
            className="why-btn"
            data-testid="why-open"
            title={t("whyNoCalls")}
            aria-label={t("whyNoCalls")}
            disabled={!online}
            onClick={() => {
              toggle("why");
              setWhy(null);
              whyNoCalls().then(
                (w) => setWhy(w ?? null),
                (e: unknown) => setWhy({ code: "error", text: e instanceof Error ? e.message : String(e), lines: [] }),
              );
            }}
          >
            ⓘ
          </button>
          {panel === "why" && (
            <div className="menu why-panel" role="dialog" aria-label={t("whyNoCalls")} data-testid="why-panel">
              <strong>{t("whyNoCalls")}</strong>
              <p data-testid="why-text">{why ? why.text : "…"}</p>
            </div>
          )}
        </div>
      </div>

      <div className="hdr-group buttons">
        {onACall && <span className="after-call">{t("afterCall")}:</span>}
        <button
          data-testid="status-ready"
          disabled={!online}
          className={`btn ${status.status === "ready" || next?.status === "ready" ? "active" : ""}`}
          onClick={() => void chooseStatus("ready")}
          title={offlineTitle ?? "Alt+R"}
        >
          {t("ready")}
        </button>
        <button
          data-testid="status-preparing"
          disabled={!online}
          className={`btn ${status.status === "preparing" || next?.status === "preparing" ? "active" : ""}`}
          onClick={() => void chooseStatus("preparing")}
        >
          {t("preparing")}
        </button>
        <div className="menu-anchor">
          <button
            data-testid="status-other"
          disabled={!online}
            className={`btn ${status.status === "aux" || next?.status === "aux" ? "active" : ""}`}
            onClick={() => toggle("other")}
          >
            {t("other")} ▾
          </button>
          {panel === "other" && (
            <div className="menu">
              {AUX_REASONS.map((r) => (
                <button
                  key={r}
                  data-testid={`aux-${r}`}
                  className="menu-item"
                  onClick={() => {
                    setPanel(null);
                    void chooseStatus("aux", r);
                  }}
                >
                  {auxLabel(lang, r)}
                </button>
              ))}
              <button
                className="menu-item"
                onClick={() => {
                  setPanel(null);
                  void chooseStatus("preparing");
                }}
              >
                {t("preparing")}
              </button>
            </div>
          )}
        </div>
        {next && (
          <span className="next-chip" data-testid="status-next">
            {t("afterCall")} → {statusLabel(lang, next.status, next.reason)}
            <button className="chip-x" onClick={() => void clearNext()} aria-label="clear">
              ×
            </button>
          </span>
        )}
        <button data-testid="dial-open" disabled={!online} className="btn dial" onClick={onDial} title={offlineTitle ?? "Alt+D"}>
          ☎ {t("dial")}
        </button>
        <button data-testid="resv-open" className="btn" onClick={onReserve}>
          {t("reserve")}
        </button>
        <button data-testid="msg-open" className="btn" onClick={onMessage}>
          {t("message")}
        </button>
      </div>

      <div className="hdr-group hdr-right">
        <ListButton label={t("agentsInService")} count={agentCounts.inServiceCount} testid="agents-in-service-count" open={panel === "inService"} onClick={() => toggle("inService")}>
          <AgentList mode="inService" now={now} me={agent.id} />
        </ListButton>
        <ListButton label={t("agentsAll")} count={agentCounts.allCount} testid="agents-all-count" open={panel === "all"} onClick={() => toggle("all")}>
          <AgentList mode="all" now={now} me={agent.id} />
        </ListButton>
        <ListButton
          label={t("resvSummary")}
          count={resv.total}
          testid="resv-count"
          hot={resv.overdue > 0}
          open={panel === "resv"}
          onClick={() => toggle("resv")}
        >
          <ReservationSummary onPicked={() => setPanel(null)} />
        </ListButton>
        <ListButton
          label={t("consSummary")}
          count={counts.total}
          testid="cons-count"
          extra={`IN ${counts.inCount} · OUT ${counts.outCount}`}
          open={panel === "cons"}
          onClick={() => toggle("cons")}
        >
          {consultations.length === 0 ? (
            <p className="empty">{t("noCons")}</p>
          ) : (
            <table className="grid">
              <tbody>
                {consultations.map((c) => (
                  <tr
                    key={c.ticketId}
                    className="clickable"
                    onClick={() => {
                      setPanel(null);
                      onOpenConsultation(c.ticketId);
                    }}
                  >
                    <td>{timeOfDay(c.startedAt, lang)}</td>
                    <td>
                      <span className={`ch ch-${c.channel}`}>{c.channel}</span>
                    </td>
                    <td>{displayPhone(c.number)}</td>
                    <td>{c.serviceName}</td>
                    <td className="num">{mmss(c.talkS)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </ListButton>
        <div className="menu-anchor">
          <button className="btn ghost" onClick={() => toggle("help")} title={t("shortcuts")} aria-label={t("shortcuts")}>
            ?
          </button>
          {panel === "help" && (
            <div className="menu help">
              <dl>
                <dt>Alt+R</dt>
                <dd>{t("ready")}</dd>
                <dt>Alt+A</dt>
                <dd>{t("answer")}</dd>
                <dt>Alt+H</dt>
                <dd>{t("hangup")}</dd>
                <dt>Ctrl+S</dt>
                <dd>{t("save")}</dd>
                <dt>Alt+W</dt>
                <dd>{t("done")}</dd>
                <dt>Alt+D</dt>
                <dd>{t("dial")}</dd>
                <dt>Alt+T</dt>
                <dd>{t("templates")}</dd>
              </dl>
              <RingSettings />
            </div>
          )}
        </div>
        {agent.role !== "agent" && (
          <>
            <a className="btn ghost" href="/wallboard" data-testid="wallboard-link">
              {t("wallboard")}
            </a>
            <a className="btn ghost" href="/admin" data-testid="admin-link">
              {t("adminTitle")}
            </a>
          </>
        )}
        <button className="btn ghost" data-testid="lang-switch" onClick={() => setLang(lang === "ko" ? "en" : "ko")} title={t("language")}>
          {lang === "ko" ? "EN" : "한국어"}
        </button>
        <button className="btn ghost" data-testid="logout" onClick={() => void logout().then(() => location.assign("/login"))}>
          {t("logout")}
        </button>
      </div>
    </header>
  );
}

/** 벨소리 volume (with a test ring) and desktop notifications, in the help menu. */
function RingSettings() {
  const t = useT();
  const volume = useStore(ringVolumeStore, (v) => v);
  const [perm, setPerm] = useState(() => (typeof Notification === "undefined" ? "unsupported" : Notification.permission));
  return (
    <div className="ring-settings">
      <label>
        {t("ringVolume")} <span className="num">{Math.round(volume * 100)}%</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={volume}
          data-testid="ring-volume"
          onChange={(e) => setRingVolume(Number(e.target.value))}
          onMouseUp={() => testRing()}
        />
      </label>
      {perm === "default" && (
        <button className="btn" onClick={() => void Notification.requestPermission().then(setPerm)}>
          {t("allowNotifications")}
        </button>
      )}
      {perm === "denied" && <p className="muted small-note">{t("notificationsBlocked")}</p>}
      {perm === "granted" && <p className="muted small-note">{t("notificationsOn")}</p>}
    </div>
  );
}

function ListButton(props: {
  label: string;
  count: number;
  testid: string;
  extra?: string;
  /** Marks the count (e.g. overdue reservations). */
  hot?: boolean;
  open: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <div className="menu-anchor">
      <button className={`btn list ${props.open ? "active" : ""}`} onClick={props.onClick}>
        {props.label} (<span data-testid={props.testid} className={props.hot ? "hot-count" : undefined}>{props.count}</span>)
        {props.extra && <span className="muted small list-extra"> {props.extra}</span>} ▾
      </button>
      {props.open && <div className="menu wide">{props.children}</div>}
    </div>
  );
}
