// 문자 이력: the messages sent to a customer (newest first) with their result — 발송, 대체 발송,
// 실패 with the carrier's reason, or 대기 while the carrier has not answered. Refreshes when a
// result of mine arrives (`message` frame).

import { useEffect, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { deskStore } from "../desk";
import { timeOfDay } from "../format";
import { useLang, useT, type LabelKey } from "../i18n";
import { useStore } from "../store";
import type { Message } from "../generated/Message";
import { kindLabel } from "./MessageDialog";

export function MessageHistory({ customerId }: { customerId: number }) {
  const t = useT();
  const lang = useLang();
  const [items, setItems] = useState<Message[]>([]);
  const last = useStore(deskStore, (s) => s.lastMessage);

  useEffect(() => {
    api<{ items: Message[] }>("GET", `/api/messages?customerId=${customerId}&limit=30`).then(
      (r) => setItems(r.items),
      (e) => notify("error", (e as Error).message),
    );
  }, [customerId, last]);

  return (
    <>
      <h3 className="sub">
        {t("msgHistory")} ({items.length})
      </h3>
      {items.length === 0 ? (
        <p className="empty small">{t("noMessages")}</p>
      ) : (
        <ul className="msg-list" data-testid="message-history">
          {items.map((m) => (
            <li key={m.id} data-message={m.id}>
              <div className="msg-line">
                <span className="nowrap">
                  {new Date(m.createdAt).toLocaleDateString("ko-KR", { timeZone: "Asia/Seoul", month: "2-digit", day: "2-digit" })}{" "}
                  {timeOfDay(m.createdAt, lang)}
                </span>
                <span className={`kind-chip k-${m.kind}`}>{kindLabel(m.kind)}</span>
                {(m.templateName || m.title) && <strong className="small">{m.templateName ?? m.title}</strong>}
                <span className="muted small">{m.agentName}</span>
                <span className={`msg-st st-${m.status}`} data-testid="message-status">
                  {t(`msg_${m.status}` as LabelKey)}
                  {m.sentAs && m.sentAs !== m.kind ? ` (${kindLabel(m.sentAs)})` : ""}
                </span>
              </div>
              <div className="msg-body" title={m.body}>
                {m.body}
              </div>
              {m.reason && <div className="warn small">{m.reason}</div>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
