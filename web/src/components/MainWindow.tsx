// 메인 대화창, the centre of the desk. During a call: the call card (who, which service, state,
// timers, 받기 / 끊기 / 보류 / 이관 / 키패드, the wrap-up countdown), the note editor (large,
// focused on answer) and the caller's recent history. Between calls: what the agent waits for,
// a short summary of the call just finished (with 다시 걸기), the queues' pressure and my day.

import { useEffect, useState } from "react";
import { answer, dial, hangup } from "../actions";
import { api } from "../api";
import { secondsSince, useNow } from "../clock";
import { deskStore, waitingTotal } from "../desk";
import { dateOfDay, displayPhone, hms, mmss, timeOfDay } from "../format";
import { outcomeLabel, useLang, useT } from "../i18n";
import { useStore } from "../store";
import type { ConsultationSummary } from "../generated/ConsultationSummary";
import { CallControls } from "./CallControls";
import { NoteEditor } from "./NoteEditor";
import { OutcomeMark } from "./OutcomeMark";

export function MainWindow({ onOpenConsultation }: { onOpenConsultation: (ticket: string) => void }) {
  const call = useStore(deskStore, (s) => s.call);
  return (
    <main className={`main ${call ? "with-call" : ""}`}>
      {call ? (
        <>
          <CallCard />
          <NoteEditor />
          <CallerHistory customerId={call.customer?.id ?? null} liveTicket={call.ticketId} onOpen={onOpenConsultation} />
        </>
      ) : (
        <Idle onOpen={onOpenConsultation} />
      )}
    </main>
  );
}

function CallCard() {
  const t = useT();
  const lang = useLang();
  const now = useNow();
  const call = useStore(deskStore, (s) => s.call)!;
  const brand = useStore(deskStore, (s) => s.brand);
  const lastEnded = useStore(deskStore, (s) => s.lastEnded);
  const online = useStore(deskStore, (s) => s.connection === "open");
  const services = useStore(deskStore, (s) => s.services);
  const svc = services.find((x) => x.code === call.service);
  const elapsed = secondsSince(call.since, now);
  const ringLeft = Math.max(0, (svc?.ringTimeoutS ?? brand?.ringTimeoutS ?? 15) - elapsed);
  const wrapLimit = svc?.wrapUpLimitS ?? brand?.wrapUpLimitS ?? 0;
  const wrapLeft = Math.max(0, wrapLimit - elapsed);
  const title =
    call.state === "ringing" ? t("ringing") : call.state === "on_call" ? t("onCall") : call.state === "dialing" ? t("dialing") : t("wrapUp");
  const offline = online ? undefined : t("offlineAction");
  return (
    <section className={`call-card cs-${call.state}`} data-testid="call-card" data-state={call.state} aria-label={title}>
      <div className="call-top">
        <span className={`badge lg st-${call.state}`}>{title}</span>
        {call.heldSince && (
          <span className="badge lg held-badge" data-testid="call-held">
            {t("held")}
          </span>
        )}
        <span className={`ch ch-${call.channel}`}>{call.channel}</span>
        <span>{call.serviceName}</span>
        {call.transferredFrom && (
          <span className="transferred" data-testid="call-transferred">
            {t("transferredFrom")} · {call.transferredFrom}
          </span>
        )}
        <span className="muted ticket">{call.ticketId}</span>
      </div>
      <div className="call-main">
        <div className="call-who">
          <div className="call-number" data-testid="call-number">
            {call.fromDisplay}
          </div>
          <div className="call-customer">
            {call.customer ? (
              <>
                <strong>{call.customer.name}</strong>
                {call.customer.email && <span className="muted"> {call.customer.email}</span>}
              </>
            ) : (
              <span className="muted">{t("newCustomer")}</span>
            )}
          </div>
        </div>
        <div className="call-timer">
          {call.state === "ringing" ? (
            <>
              <span className="muted">{t("ringsOutIn")}</span> <span className="timer big">{ringLeft}s</span>
            </>
          ) : call.state === "wrap_up" && wrapLimit > 0 ? (
            <span className={`wrap-left ${wrapLeft <= 30 ? "hot" : ""}`} data-testid="wrap-left">
              <span className="muted">{t("wrapLeft")}</span> <span className="timer big">{mmss(wrapLeft)}</span>
            </span>
          ) : (
            <span className="timer big" data-testid="call-timer">
              {mmss(elapsed)}
            </span>
          )}
        </div>
      </div>
      {call.customer?.blacklisted && (
        <div className="call-warning" data-testid="call-blacklisted">
          ⚠ {t("blacklist")}: {call.customer.blacklistReason}
        </div>
      )}
      {call.state === "wrap_up" && lastEnded?.by === "failed" && lastEnded.callId === call.callId && (
        <p className="warn" data-testid="dial-failed">
          {t("dialFailed")}: {outcomeLabel(lang, lastEnded.outcome)}
        </p>
      )}
      <div className="call-actions">
        {call.state === "ringing" && (
          <button data-testid="call-answer" className="btn big answer" onClick={() => void answer(call.callId)} disabled={!online} title={offline ?? "Alt+A"}>
            {t("answer")}
          </button>
        )}
        {(call.state === "on_call" || call.state === "dialing") && (
          <button data-testid="call-hangup" className="btn big hang" onClick={() => void hangup(call.callId)} disabled={!online} title={offline ?? "Alt+H"}>
            {t("hangup")}
          </button>
        )}
        {call.state === "on_call" && <CallControls call={call} online={online} />}
        {call.state === "wrap_up" && call.channel === "OUT" && (
          <button className="btn big" data-testid="call-redial" disabled={!online} title={offline} onClick={() => void dial(call.from)}>
            {t("redial")}
          </button>
        )}
      </div>
    </section>
  );
}

/** The caller's last consultations (any agent), newest first; the call in progress excluded. */
function CallerHistory({ customerId, liveTicket, onOpen }: { customerId: number | null; liveTicket: string; onOpen: (t: string) => void }) {
  const t = useT();
  const lang = useLang();
  const [items, setItems] = useState<ConsultationSummary[] | null>(null);
  useEffect(() => {
    if (customerId === null) return;
    let alive = true;
    api<{ items: ConsultationSummary[] }>("GET", `/api/customers/${customerId}/consultations`).then(
      (r) => alive && setItems(r.items),
      () => alive && setItems([]),
    );
    return () => {
      alive = false;
    };
  }, [customerId]);
  const past = customerId === null ? [] : (items ?? []).filter((h) => h.ticketId !== liveTicket).slice(0, 4);
  return (
    <section className="caller-history" aria-label={t("recentHistory")}>
      <h2>{t("recentHistory")}</h2>
      {past.length === 0 ? (
        <p className="empty">{customerId === null || items !== null ? t("firstContact") : "…"}</p>
      ) : (
        <table className="grid compact" data-testid="caller-history">
          <tbody>
            {past.map((h) => (
              <tr key={h.ticketId} className="clickable" onClick={() => onOpen(h.ticketId)}>
                <td className="nowrap">
                  {dateOfDay(h.startedAt)} {timeOfDay(h.startedAt, lang)}
                </td>
                <td>
                  <span className={`ch ch-${h.channel}`}>{h.channel}</span>
                </td>
                <td>{h.agentName ?? "—"}</td>
                <td>
                  <OutcomeMark outcome={h.outcome} /> {[h.category, h.result].filter(Boolean).join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Idle({ onOpen }: { onOpen: (t: string) => void }) {
  const t = useT();
  const now = useNow();
  const status = useStore(deskStore, (s) => s.status);
  const lastEnded = useStore(deskStore, (s) => s.lastEnded);
  const consultations = useStore(deskStore, (s) => s.consultations);
  const queues = useStore(deskStore, (s) => s.queues);
  const services = useStore(deskStore, (s) => s.services);
  const stats = useStore(deskStore, (s) => s.stats);
  const online = useStore(deskStore, (s) => s.connection === "open");
  const waiting = waitingTotal(deskStore.get());
  const idle = status?.status === "ready" ? t("idleReady") : status?.status === "aux" ? t("idleAux") : t("idlePreparing");
  const last = lastEnded ? consultations.find((c) => c.ticketId === lastEnded.ticketId) : undefined;
  const a = stats?.agent;
  return (
    <div className="idle-view">
      <div className="idle" data-testid="idle">
        <div className="idle-icon" aria-hidden="true">
          ☎
        </div>
        <p>{idle}</p>
        {lastEnded && lastEnded.by === "timeout" && <p className="warn">{t("missedNotice")}</p>}
      </div>
      {last && (
        <section className="idle-card" data-testid="last-summary" aria-label={t("lastDone")}>
          <h2>{t("lastDone")}</h2>
          <div className="summary-line">
            <span className={`ch ch-${last.channel}`}>{last.channel}</span>
            <strong>{last.customerName ?? displayPhone(last.number)}</strong>
            <span className="muted">{last.customerName ? displayPhone(last.number) : ""}</span>
            <span>{last.serviceName}</span>
            <span className="num">{mmss(last.talkS)}</span>
          </div>
          <div className="summary-line">
            <OutcomeMark outcome={last.outcome} />
            <span>
              <span className="muted">{t("category")}</span> {last.category ?? "—"}
            </span>
            <span>
              <span className="muted">{t("result")}</span> {last.result ?? "—"}
            </span>
            <button className="link" onClick={() => onOpen(last.ticketId)}>
              {last.ticketId}
            </button>
            {last.channel === "OUT" && (
              <button className="btn" data-testid="idle-redial" disabled={!online} onClick={() => void dial(last.number)}>
                {t("redial")}
              </button>
            )}
          </div>
        </section>
      )}
      <div className="idle-grid">
        <section className="idle-card" aria-label={t("queuePressure")}>
          <h2>
            {t("queuePressure")} <span className={waiting > 0 ? "hot" : "muted"}>{waiting}</span>
          </h2>
          <table className="grid compact">
            <thead>
              <tr>
                <th>{t("service")}</th>
                <th className="num">{t("waitingNow")}</th>
                <th className="num">{t("longestWait")}</th>
                <th className="num">{t("answeredCount")}</th>
                <th className="num">{t("abandonedCount")}</th>
              </tr>
            </thead>
            <tbody>
              {services.map((s) => {
                const q = queues[s.code];
                return (
                  <tr key={s.code}>
                    <td>{s.name}</td>
                    <td className={`num ${q && q.waiting > 0 ? "hot" : ""}`}>{q?.waiting ?? 0}</td>
                    <td className="num">{q?.oldestSince ? mmss(secondsSince(q.oldestSince, now)) : "—"}</td>
                    <td className="num">{q?.answered ?? 0}</td>
                    <td className="num">{q?.abandoned ?? 0}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
        {a && (
          <section className="idle-card" aria-label={t("myDay")}>
            <h2>{t("myDay")}</h2>
            <dl className="kv auto">
              <dt>{t("myCalls")} IN / OUT</dt>
              <dd>
                {a.callsIn} / {a.callsOut}
              </dd>
              <dt>{t("talkTotal")}</dt>
              <dd>{hms(a.talkTotalS)}</dd>
              <dt>{t("talkAvg")}</dt>
              <dd>{hms(a.talkAvgS)}</dd>
              <dt>{t("holdTime")}</dt>
              <dd>{hms(a.holdS)}</dd>
              <dt>{t("wrapUpTime")}</dt>
              <dd>{hms(a.wrapUpS)}</dd>
            </dl>
          </section>
        )}
      </div>
    </div>
  );
}
