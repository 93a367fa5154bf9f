// The desk screen: header (상단), left tab (좌측 상담탭), main work window (메인 대화창) and right
// info tab (우측 정보탭). Owns the socket's lifetime, the keyboard shortcuts, the ringing title
// flash, sound and desktop notification, the disconnected banner and the notices.

import { useEffect, useState } from "react";
import { answer, chooseStatus, connectDesk, hangup, wrapupDone } from "../actions";
import { deskStore } from "../desk";
import { useT } from "../i18n";
import { useStore } from "../store";
import { ConsultationDetail } from "./ConsultationDetail";
import { DialDialog } from "./DialDialog";
import { FloorBanner } from "./FloorBanner";
import { Header } from "./Header";
import { LeftTab } from "./LeftTab";
import { MessageDialog } from "./MessageDialog";
import { MainWindow } from "./MainWindow";
import { Notices } from "./Notices";
import { RightTab } from "./RightTab";
import { notifyRinging, startRinging } from "../ring";
import { ReserveDialog } from "./Reservations";

export function Desk({ onLoggedOut }: { onLoggedOut: () => void }) {
  const t = useT();
  const connection = useStore(deskStore, (s) => s.connection);
  const hasHello = useStore(deskStore, (s) => s.agent !== null);
  const call = useStore(deskStore, (s) => s.call);
  const [dialOpen, setDialOpen] = useState(false);
  const [reserveOpen, setReserveOpen] = useState(false);
  const [messageOpen, setMessageOpen] = useState(false);
  const [detail, setDetail] = useState<string | null>(null);

  useEffect(() => connectDesk(onLoggedOut), [onLoggedOut]);

  // Ringing: flash the tab title and play a soft tone (when the browser allows sound).
  const ringing = call?.state === "ringing";
  const ringFrom = call?.fromDisplay ?? "";
  const ringTitle = t("ringingTitle");
  useEffect(() => {
    if (!ringing) return;
    const original = document.title;
    let on = false;
    const flash = setInterval(() => {
      on = !on;
      document.title = on ? `${ringTitle} ${ringFrom}` : original;
    }, 700);
    const stopTone = startRinging();
    const closeNote = notifyRinging(ringTitle, ringFrom);
    return () => {
      clearInterval(flash);
      stopTone();
      closeNote();
      document.title = original;
    };
  }, [ringing, ringFrom, ringTitle]);

  // Keyboard shortcuts (listed in the header's help popover).
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const c = deskStore.get().call;
      if (e.altKey && e.code === "KeyR") {
        e.preventDefault();
        void chooseStatus("ready");
      } else if (e.altKey && e.code === "KeyA" && c?.state === "ringing") {
        e.preventDefault();
        void answer(c.callId);
      } else if (e.altKey && e.code === "KeyH" && c && (c.state === "on_call" || c.state === "dialing")) {
        e.preventDefault();
        void hangup(c.callId);
      } else if (e.altKey && e.code === "KeyW" && c?.state === "wrap_up") {
        e.preventDefault();
        void wrapupDone();
      } else if (e.altKey && e.code === "KeyD") {
        e.preventDefault();
        setDialOpen(true);
      } else if ((e.ctrlKey || e.metaKey) && e.code === "KeyS") {
        e.preventDefault();
        document.dispatchEvent(new CustomEvent("calldesk:save-note"));
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <div className="desk">
      {connection === "reconnecting" && (
        <div className="banner" data-testid="connection-banner" role="status">
          {t("disconnected")}
        </div>
      )}
      {hasHello ? (
        <>
          <Header onDial={() => setDialOpen(true)} onReserve={() => setReserveOpen(true)} onMessage={() => setMessageOpen(true)} onOpenConsultation={setDetail} />
          <FloorBanner />
          <div className="desk-body">
            <LeftTab />
            <MainWindow onOpenConsultation={setDetail} />
            <RightTab onOpenConsultation={setDetail} />
          </div>
        </>
      ) : (
        <div className="desk-loading">…</div>
      )}
      {dialOpen && <DialDialog onClose={() => setDialOpen(false)} />}
      {reserveOpen && <ReserveDialog onClose={() => setReserveOpen(false)} />}
      {messageOpen && <MessageDialog onClose={() => setMessageOpen(false)} />}
      {detail && <ConsultationDetail ticketId={detail} onClose={() => setDetail(null)} />}
      <Notices />
    </div>
  );
}
