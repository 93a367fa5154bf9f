// 좌측 상담탭: 상담 대기중 (F-QUEUE-WAITING), today's monitor (F-MONITOR), the call-state panel
// with its running timer (F-CALL-STATE) and the consultation note form (F-NOTE).

import { useEffect } from "react";
import { editNote, flushDraft, notify, saveNote, wrapupDone } from "../actions";
import { noteStore } from "../note";
import { secondsSince, useNow } from "../clock";
import { deskStore, waitingTotal } from "../desk";
import { hms, mmss } from "../format";
import { statusLabel, useLang, useT } from "../i18n";
import { useStore } from "../store";

export function LeftTab() {
  return (
    <aside className="left">
      <QueuePanel />
      <MonitorPanel />
      <CallStatePanel />
      <NotePanel />
    </aside>
  );
}

function QueuePanel() {
  const t = useT();
  const now = useNow();
  const queues = useStore(deskStore, (s) => s.queues);
  const services = useStore(deskStore, (s) => s.services);
  const total = waitingTotal(deskStore.get());
  return (
    <section className="panel">
      <h2>
        {t("queueWaiting")} (<span data-testid="queue-waiting" className={total > 0 ? "hot" : ""}>{total}</span>)
      </h2>
      <table className="grid compact">
        <tbody>
          {services.map((svc) => {
            const q = queues[svc.code];
            const longest = q?.oldestSince ? secondsSince(q.oldestSince, now) : 0;
            return (
              <tr key={svc.code}>
                <td>{svc.name}</td>
                <td className="num">{q?.waiting ?? 0}</td>
                <td className="num muted">{q && q.waiting > 0 ? mmss(longest) : ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function MonitorPanel() {
  const t = useT();
  const now = useNow();
  const stats = useStore(deskStore, (s) => s.stats);
  const status = useStore(deskStore, (s) => s.status);
  if (!stats) return null;
  const a = stats.agent;
  const b = stats.brand;
  // The open state keeps counting on the desk from `asOf`.
  const running = status ? secondsSince(stats.asOf, now) : 0;
  const plus = (st: string) => (status?.status === st ? running : 0);
  const away = a.awayS + plus("aux");
  const top = b.callsMode === "top";
  return (
    <section className="panel">
      <h2>{t("monitor")}</h2>
      <table className="grid compact monitor">
        <tbody>
          <tr>
            <th>{t("talkTotal")}</th>
            <td className="num" data-testid="mon-talk-total">{hms(a.talkTotalS + plus("on_call"))}</td>
            <th>{t("talkAvg")}</th>
            <td className="num">{hms(a.talkAvgS)}</td>
          </tr>
          <tr>
            <th>{t("readyTime")}</th>
            <td className="num">{hms(a.readyS + plus("ready"))}</td>
            <th>{t("wrapUpTime")}</th>
            <td className="num">{hms(a.wrapUpS + plus("wrap_up"))}</td>
          </tr>
          <tr>
            <th>{t("awayTime")}</th>
            <td className="num">{hms(away)}</td>
            <th>{t("myCalls")} I/O</th>
            <td className="num" data-testid="mon-my-calls">
              {a.callsIn} / {a.callsOut}
            </td>
          </tr>
          <tr>
            <th>{top ? t("topCalls") : t("totalCalls")} I/O</th>
            <td className="num">{top ? `${b.topIn} / ${b.topOut}` : `${b.totalIn} / ${b.totalOut}`}</td>
            <th>{t("avgCalls")} I/O</th>
            <td className="num">
              {b.avgIn.toFixed(1)} / {b.avgOut.toFixed(1)}
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

function CallStatePanel() {
  const t = useT();
  const lang = useLang();
  const now = useNow();
  const status = useStore(deskStore, (s) => s.status);
  if (!status) return null;
  return (
    <section className="panel">
      <h2>{t("callState")}</h2>
      <div className="callstate">
        <span className={`badge lg st-${status.status}`}>{statusLabel(lang, status.status, status.reason)}</span>
        <span className="timer big">{mmss(secondsSince(status.since, now))}</span>
      </div>
    </section>
  );
}

function NotePanel() {
  const t = useT();
  const call = useStore(deskStore, (s) => s.call);
  const brand = useStore(deskStore, (s) => s.brand);
  const online = useStore(deskStore, (s) => s.connection === "open");
  const note = useStore(noteStore, (n) => n);
  const ticket = note.ticketId;
  const editable = !!call && call.state !== "ringing" && ticket === call.ticketId;

  async function save(quiet = false): Promise<boolean> {
    if (!ticket || !editable) return false;
    const ok = await saveNote();
    if (ok && !quiet) notify("info", `${t("saved")} · ${ticket}`);
    return ok;
  }

  useEffect(() => {
    const onSave = () => void save();
    const onAppend = (e: Event) => {
      const text = (e as CustomEvent<string>).detail;
      if (editable) {
        const c = noteStore.get().content;
        editNote({ content: (c ? `${c}\n${text}` : text).slice(0, 4000) });
        notify("info", t("copied"));
      } else {
        void navigator.clipboard?.writeText(text).catch(() => {});
        notify("info", t("copyNeedsCall"));
      }
    };
    document.addEventListener("calldesk:save-note", onSave);
    document.addEventListener("calldesk:append-note", onAppend);
    return () => {
      document.removeEventListener("calldesk:save-note", onSave);
      document.removeEventListener("calldesk:append-note", onAppend);
    };
  });

  async function done() {
    const n = noteStore.get();
    if (n.dirty || n.content || n.category || n.result) {
      if (!(await save(true))) return;
    }
    await wrapupDone();
  }

  const stamp = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString("ko-KR", { hour12: false }) : "");
  const state = !ticket
    ? null
    : note.dirty
      ? online
        ? t("noteTyping")
        : t("noteOffline")
      : note.savedAt
        ? `${t("saved")} ${stamp(note.savedAt)}`
        : note.draftAt
          ? `${t("draftKept")} ${stamp(note.draftAt)}`
          : null;

  return (
    <section className="panel note">
      <h2>{t("note")}</h2>
      <dl className="kv">
        <dt>{t("ticketId")}</dt>
        <dd data-testid="note-ticket">{ticket ?? "—"}</dd>
        <dt>{t("service")}</dt>
        <dd>{call?.serviceName ?? "—"}</dd>
        <dt>{t("channel")}</dt>
        <dd>{call ? <span className={`ch ch-${call.channel}`}>{call.channel}</span> : "—"}</dd>
      </dl>
      <div className="row2">
        <select value={note.category} onChange={(e) => editNote({ category: e.target.value })} disabled={!editable} aria-label={t("category")} data-testid="note-category">
          <option value="">{t("category")}</option>
          {brand?.categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <select value={note.result} onChange={(e) => editNote({ result: e.target.value })} disabled={!editable} aria-label={t("result")} data-testid="note-result">
          <option value="">{t("result")}</option>
          {brand?.results.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </div>
      <textarea
        data-testid="note-content"
        value={note.content}
        onChange={(e) => editNote({ content: e.target.value })}
        onBlur={() => void flushDraft()}
        disabled={!editable}
        placeholder={editable ? t("note") : t("noteLocked")}
        aria-label={t("note")}
        maxLength={4000}
      />
      <div className="row2">
        <button data-testid="note-save" className="btn" disabled={!editable || !online} onClick={() => void save()} title={online ? "Ctrl+S" : t("offlineAction")}>
          {t("save")}
        </button>
        <button
          data-testid="wrapup-done"
          className="btn primary"
          disabled={call?.state !== "wrap_up" || !online}
          onClick={() => void done()}
          title={online ? "Alt+W" : t("offlineAction")}
        >
          {t("done")}
        </button>
      </div>
      {state && (
        <p className="muted small" data-testid="note-state">
          {state}
        </p>
      )}
    </section>
  );
}
