// The consultation detail popup (F-CONS-DETAIL): my own consultations are editable, other
// agents' read-only.

import { useEffect, useState } from "react";
import { api, ApiError } from "../api";
import { notify } from "../actions";
import { deskStore } from "../desk";
import { dateOfDay, displayPhone, mmss, timeOfDay } from "../format";
import { outcomeLabel, useLang, useT } from "../i18n";
import { useEscape } from "../hooks";
import { useStore } from "../store";
import type { Consultation } from "../generated/Consultation";

type Detail = Consultation & { editable: boolean };

export function ConsultationDetail({ ticketId, onClose }: { ticketId: string; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const brand = useStore(deskStore, (s) => s.brand);
  const [c, setC] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [category, setCategory] = useState("");
  const [result, setResult] = useState("");
  const [content, setContent] = useState("");
  useEscape(onClose);

  useEffect(() => {
    api<Detail>("GET", `/api/consultations/${encodeURIComponent(ticketId)}`).then(
      (d) => {
        setC(d);
        setCategory(d.category ?? "");
        setResult(d.result ?? "");
        setContent(d.content);
      },
      (e) => setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, [ticketId]);

  async function save(e: React.FormEvent) {
    e.preventDefault();
    try {
      const d = await api<Detail>("PUT", `/api/consultations/${encodeURIComponent(ticketId)}`, {
        category: category || null,
        result: result || null,
        content,
      });
      setC(d);
      notify("info", `${t("saved")} · ${ticketId}`);
      onClose();
    } catch (err) {
      notify("error", err instanceof ApiError ? err.message : String(err));
    }
  }

  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal" onSubmit={save} data-testid="cons-detail" role="dialog" aria-modal="true" aria-label={t("detail")}>
        <h3>
          {t("detail")} <span className="muted">{ticketId}</span>
        </h3>
        {error && <p className="login-error">{error}</p>}
        {c && (
          <>
            <dl className="kv wide">
              <dt>{t("service")}</dt>
              <dd>{c.serviceName}</dd>
              <dt>{t("channel")}</dt>
              <dd>
                <span className={`ch ch-${c.channel}`}>{c.channel}</span>
              </dd>
              <dt>{t("number")}</dt>
              <dd>{displayPhone(c.number)}</dd>
              <dt>{t("agent")}</dt>
              <dd>{c.agentName ?? "—"}</dd>
              <dt>{t("time")}</dt>
              <dd data-testid="detail-when">
                {dateOfDay(c.answeredAt ?? c.arrivedAt)} {timeOfDay(c.answeredAt ?? c.arrivedAt, lang)} · {t("talk")} {mmss(c.talkS)}
              </dd>
              <dt>{t("outcome")}</dt>
              <dd>{outcomeLabel(lang, c.outcome)}</dd>
            </dl>
            {!c.editable && <p className="muted">{t("readOnly")}</p>}
            <div className="row2">
              <select value={category} onChange={(e) => setCategory(e.target.value)} disabled={!c.editable} aria-label={t("category")}>
                <option value="">{t("category")}</option>
                {[...new Set([...(brand?.categories ?? []), ...(c.category ? [c.category] : [])])].map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
              <select value={result} onChange={(e) => setResult(e.target.value)} disabled={!c.editable} aria-label={t("result")}>
                <option value="">{t("result")}</option>
                {[...new Set([...(brand?.results ?? []), ...(c.result ? [c.result] : [])])].map((x) => (
                  <option key={x}>{x}</option>
                ))}
              </select>
            </div>
            {c.editable ? (
              <textarea value={content} onChange={(e) => setContent(e.target.value)} maxLength={4000} data-testid="detail-content" aria-label={t("note")} />
            ) : (
              <div className="readonly-note" data-testid="detail-content" aria-readonly="true">
                {content || <span className="muted">{t("noNote")}</span>}
              </div>
            )}
          </>
        )}
        <div className="row2">
          <button type="button" className="btn" onClick={onClose}>
            {t("close")}
          </button>
          {c?.editable && (
            <button className="btn primary" data-testid="detail-save">
              {t("save")}
            </button>
          )}
        </div>
      </form>
    </div>
  );
}
