// 좌측 상담탭: 상담 대기중 (F-QUEUE-WAITING), today's monitor (F-MONITOR) and the call-state
// panel with its running timer (F-CALL-STATE). The note form lives in the main window.

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
