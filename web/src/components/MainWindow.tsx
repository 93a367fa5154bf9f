// 메인 대화창: the current call — ringing (caller, service, ring countdown, 받기), on call (talk
// timer, 끊기), dialing, wrap-up (timer, the note on the left) — or what the agent waits for.

import { answer, hangup } from "../actions";
import { secondsSince, useNow } from "../clock";
import { deskStore } from "../desk";
import { mmss } from "../format";
import { outcomeLabel, useLang, useT } from "../i18n";
import { useStore } from "../store";

export function MainWindow() {
  const t = useT();
  const lang = useLang();
  const now = useNow();
  const call = useStore(deskStore, (s) => s.call);
  const status = useStore(deskStore, (s) => s.status);
  const brand = useStore(deskStore, (s) => s.brand);
  const lastEnded = useStore(deskStore, (s) => s.lastEnded);
  const online = useStore(deskStore, (s) => s.connection === "open");

  if (!call) {
    const idle = status?.status === "ready" ? t("idleReady") : status?.status === "aux" ? t("idleAux") : t("idlePreparing");
    return (
      <main className="main">
        <div className="idle" data-testid="idle">
          <div className="idle-icon">☎</div>
          <p>{idle}</p>
          {lastEnded && lastEnded.by === "timeout" && <p className="warn">{t("missedNotice")}</p>}
        </div>
      </main>
    );
  }

  const elapsed = secondsSince(call.since, now);
  const ringLeft = Math.max(0, (brand?.ringTimeoutS ?? 15) - elapsed);
  const title =
    call.state === "ringing" ? t("ringing") : call.state === "on_call" ? t("onCall") : call.state === "dialing" ? t("dialing") : t("wrapUp");
  return (
    <main className="main">
      <div className={`call-card cs-${call.state}`} data-testid="call-card" data-state={call.state}>
        <div className="call-top">
          <span className={`badge lg st-${call.state}`}>{title}</span>
          <span className={`ch ch-${call.channel}`}>{call.channel}</span>
          <span className="muted">{call.serviceName}</span>
          <span className="muted small ticket">{call.ticketId}</span>
        </div>
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
        {call.customer?.blacklisted && (
          <div className="call-warning" data-testid="call-blacklisted">
            ⚠ {t("blacklist")}: {call.customer.blacklistReason}
          </div>
        )}
        <div className="call-timer">
          {call.state === "ringing" ? (
            <>
              <span className="muted">{t("ringsOutIn")}</span> <span className="timer big">{ringLeft}s</span>
            </>
          ) : (
            <span className="timer big" data-testid="call-timer">
              {mmss(elapsed)}
            </span>
          )}
        </div>
        <div className="call-actions">
          {call.state === "ringing" && (
            <button data-testid="call-answer" className="btn big answer" onClick={() => void answer(call.callId)} disabled={!online} title={online ? "Alt+A" : t("offlineAction")}>
              {t("answer")}
            </button>
          )}
          {(call.state === "on_call" || call.state === "dialing") && (
            <button data-testid="call-hangup" className="btn big hang" onClick={() => void hangup(call.callId)} disabled={!online} title={online ? "Alt+H" : t("offlineAction")}>
              {t("hangup")}
            </button>
          )}
          {call.state === "wrap_up" && lastEnded?.by === "failed" && lastEnded.callId === call.callId && (
            <p className="warn" data-testid="dial-failed">
              {t("dialFailed")}: {outcomeLabel(lang, lastEnded.outcome)}
            </p>
          )}
          {call.state === "wrap_up" && <p className="muted">← {t("note")} · {t("done")}</p>}
        </div>
      </div>
    </main>
  );
}
