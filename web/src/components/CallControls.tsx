// The controls of a talking call beside 끊기: 보류 / 보류 해제 (hold, with its own timer), 이관
// (transfer to a service's queue or to a ready agent) and the keypad (touch-tones into the call).

import { useState } from "react";
import { dtmf, hold, transfer } from "../actions";
import { secondsSince, useNow } from "../clock";
import { deskStore } from "../desk";
import { mmss } from "../format";
import { statusLabel, useLang, useT } from "../i18n";
import { useAgentWatch, useEscape } from "../hooks";
import { useStore } from "../store";
import type { CallView } from "../generated/CallView";

export function CallControls({ call, online }: { call: CallView; online: boolean }) {
  const t = useT();
  const now = useNow();
  const [panel, setPanel] = useState<"transfer" | "keypad" | null>(null);
  const held = call.heldSince !== null;
  const title = online ? undefined : t("offlineAction");
  return (
    <>
      <button
        className={`btn big ${held ? "held" : ""}`}
        data-testid="call-hold"
        aria-pressed={held}
        disabled={!online}
        title={title}
        onClick={() => void hold(call.callId, !held)}
      >
        {held ? `${t("resume")} · ${mmss(secondsSince(call.heldSince, now))}` : t("hold")}
      </button>
      <button className="btn big" data-testid="call-transfer" disabled={!online} title={title} onClick={() => setPanel("transfer")}>
        {t("transfer")}
      </button>
      <button className="btn big" data-testid="call-keypad" disabled={!online} title={title} onClick={() => setPanel(panel === "keypad" ? null : "keypad")}>
        {t("keypad")}
      </button>
      {panel === "transfer" && <TransferDialog call={call} onClose={() => setPanel(null)} />}
      {panel === "keypad" && <Keypad callId={call.callId} onClose={() => setPanel(null)} />}
    </>
  );
}

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

function Keypad({ callId, onClose }: { callId: number; onClose: () => void }) {
  const t = useT();
  const [sent, setSent] = useState("");
  useEscape(onClose);
  function press(k: string) {
    setSent((s) => (s + k).slice(-16));
    void dtmf(callId, k);
  }
  return (
    <div
      className="keypad"
      role="dialog"
      aria-label={t("keypad")}
      data-testid="keypad"
      tabIndex={-1}
      onKeyDown={(e) => {
        if (KEYS.includes(e.key)) {
          e.preventDefault();
          press(e.key);
        }
      }}
    >
      <div className="keypad-sent" aria-live="polite">
        {sent || t("keypadHint")}
      </div>
      <div className="keypad-keys">
        {KEYS.map((k) => (
          <button key={k} className="btn" data-testid={`key-${k}`} onClick={() => press(k)}>
            {k}
          </button>
        ))}
      </div>
      <button className="btn" onClick={onClose}>
        {t("close")}
      </button>
    </div>
  );
}

function TransferDialog({ call, onClose }: { call: CallView; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const services = useStore(deskStore, (s) => s.services);
  // Signed-in agents, live while the dialog is open.
  useAgentWatch({ state: "signed_in" });
  const agents = useStore(deskStore, (s) => s.agents);
  const me = useStore(deskStore, (s) => s.agent?.id);
  const [busy, setBusy] = useState(false);
  useEscape(onClose);
  const ready = Object.values(agents)
    .filter((a) => a.agentId !== me && a.status === "ready")
    .sort((a, b) => a.since.localeCompare(b.since));
  const others = Object.values(agents)
    .filter((a) => a.agentId !== me && a.status !== "ready" && a.status !== "logged_out")
    .sort((a, b) => a.name.localeCompare(b.name, "ko"));

  async function go(to: { service: string } | { agentId: number }) {
    setBusy(true);
    const r = await transfer(call.callId, to);
    setBusy(false);
    if (r) onClose();
  }

  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={t("transferTitle")} data-testid="transfer-dialog">
        <h3>
          {t("transferTitle")} <span className="muted">{call.fromDisplay}</span>
        </h3>
        <p className="muted">{t("transferHint")}</p>
        <h4 className="sub">{t("toService")}</h4>
        <div className="choice-row">
          {services.map((s) => (
            <button key={s.code} className="btn" disabled={busy} data-testid={`transfer-service-${s.code}`} onClick={() => void go({ service: s.code })}>
              {s.name}
            </button>
          ))}
        </div>
        <h4 className="sub">{t("toAgent")}</h4>
        {ready.length === 0 ? (
          <p className="empty">{t("noReadyAgents")}</p>
        ) : (
          <div className="choice-row">
            {ready.map((a) => (
              <button key={a.agentId} className="btn" disabled={busy} data-testid={`transfer-agent-${a.agentId}`} onClick={() => void go({ agentId: a.agentId })}>
                {a.name} <span className="muted">{a.extension}</span>
              </button>
            ))}
          </div>
        )}
        {others.length > 0 && (
          <p className="muted small-note">
            {t("notReadyAgents")}: {others.map((a) => `${a.name}(${statusLabel(lang, a.status, a.reason)})`).join(", ")}
          </p>
        )}
        <div className="row2">
          <button className="btn" onClick={onClose}>
            {t("cancel")}
          </button>
        </div>
      </div>
    </div>
  );
}
