// Reservations on the desk: 예약 현황 (N) in the header (the soonest the server sends, counts of
// all per type, "외 N건" for the rest, overdue marked; a click dials it — click-to-call), the
// 예약하기 popup (number and name from the current call or the customer, a time that cannot be in
// the past), and the 예약현황 menu (my reservations filtered by status, type and day; register an
// outbound consultation; edit or cancel a pending one; managers also get bulk upload and the
// 수신거부 목록).

import { useEffect, useState } from "react";
import { api, ApiError } from "../api";
import { dialReservation, notify } from "../actions";
import { useNow } from "../clock";
import { deskStore } from "../desk";
import { displayPhone, formatAsTyped, normalizePhone } from "../format";
import { useT, type LabelKey } from "../i18n";
import { useStore } from "../store";
import { useAgentDirectory, useEscape } from "../hooks";
import type { Reservation } from "../generated/Reservation";
import { BulkUpload } from "./BulkUpload";
import { DncList } from "./DncList";

const TYPE_KEY: Record<string, LabelKey> = { direct: "resvDirect", bulk: "resvBulk", callback: "resvCallback" };

function when(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, "0");
  const kst = new Date(d.getTime() + 9 * 3600_000);
  return `${p(kst.getUTCMonth() + 1)}-${p(kst.getUTCDate())} ${p(kst.getUTCHours())}:${p(kst.getUTCMinutes())}`;
}

/** The header's 예약 현황 (N) list. */
export function ReservationSummary({ onPicked }: { onPicked: () => void }) {
  const t = useT();
  const now = useNow();
  const view = useStore(deskStore, (s) => s.reservations);
  return (
    <div data-testid="resv-list">
      <div className="counts">
        <span>{t("resvDirect")} {view.direct}</span>
        <span>{t("resvBulk")} {view.bulk}</span>
        <span>{t("resvCallback")} {view.callback}</span>
      </div>
      {view.items.length === 0 ? (
        <p className="empty">{t("noResv")}</p>
      ) : (
        <table className="grid">
          <tbody>
            {view.items.map((r) => {
              const late = new Date(r.scheduledAt).getTime() <= now;
              return (
                <tr key={r.id} data-resv={r.id}>
                  <td className={late ? "warn nowrap" : "nowrap"}>
                    {when(r.scheduledAt)}
                    {late && <span className="small"> · {t("overdue")}</span>}
                  </td>
                  <td>
                    <span className={`rtype rt-${r.type}`}>{t(TYPE_KEY[r.type])}</span>
                  </td>
                  <td>
                    {displayPhone(r.number)}
                    {r.customerName && <div className="muted small">{r.customerName}</div>}
                  </td>
                  <td className="muted small">{r.memo}</td>
                  <td>
                    <button
                      type="button"
                      className="btn small-btn answer"
                      data-testid="resv-call"
                      title={t("callNowTitle")}
                      onClick={() => {
                        onPicked();
                        void dialReservation(r.id);
                      }}
                    >
                      {t("callNow")}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {view.total > view.items.length && (
        <p className="muted small" data-testid="resv-more">
          {t("resvMore").replace("{n}", String(view.total - view.items.length))}
        </p>
      )}
    </div>
  );
}

function localInputValue(ms: number): string {
  const d = new Date(ms + 9 * 3600_000);
  return d.toISOString().slice(0, 16);
}

/** 예약하기 popup. */
export function ReserveDialog({ onClose, target }: { onClose: () => void; target?: { number: string; name: string | null } }) {
  const t = useT();
  useEscape(onClose);
  const call = useStore(deskStore, (s) => s.call);
  const [number, setNumber] = useState(target ? displayPhone(target.number) : call ? displayPhone(call.from) : "");
  const [name, setName] = useState(target ? (target.name ?? "") : (call?.customer?.name ?? ""));
  const nowMs = Date.now() + deskStore.get().clockOffsetMs;
  const [at, setAt] = useState(localInputValue(nowMs + 60 * 60_000));
  const [memo, setMemo] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const me = useStore(deskStore, (s) => s.agent);
  const isManager = me?.role === "manager" || me?.role === "admin";
  const [owner, setOwner] = useState<number | null>(me?.id ?? null);
  const agents = useAgentDirectory(isManager ? {} : null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api("POST", "/api/reservations", {
        number,
        customerName: name || null,
        scheduledAt: `${at}:00+09:00`,
        memo,
        ownerId: owner,
      });
      notify("info", t("booked"));
      onClose();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
      else notify("error", (err as Error).message);
    }
  }

  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal small cust-form" onSubmit={submit} data-testid="resv-dialog" role="dialog" aria-modal="true" aria-label={t("reserve")}>
        <h3>{t("reserveTitle")}</h3>
        <label>
          {t("number")}
          <input value={number} onChange={(e) => setNumber(formatAsTyped(e.target.value))} data-testid="resv-number" />
          {errors.number && <span className="field-error">{errors.number}</span>}
        </label>
        <label>
          {t("name")}
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t("scheduledAt")}
          <input type="datetime-local" value={at} min={localInputValue(nowMs)} onChange={(e) => setAt(e.target.value)} data-testid="resv-at" />
          {errors.scheduledAt && <span className="field-error" data-testid="resv-error-at">{errors.scheduledAt}</span>}
        </label>
        <label>
          {t("memo")}
          <textarea value={memo} onChange={(e) => setMemo(e.target.value)} maxLength={1000} />
        </label>
        {isManager && (
          <label>
            {t("agent")}
            <select value={owner ?? ""} onChange={(e) => setOwner(Number(e.target.value))} data-testid="resv-owner">
              {agents.map((a) => (
                <option key={a.agentId} value={a.agentId}>
                  {a.name} ({a.extension})
                </option>
              ))}
            </select>
            {errors.ownerId && <span className="field-error">{errors.ownerId}</span>}
          </label>
        )}
        <div className="row2">
          <button type="button" className="btn" onClick={onClose}>
            {t("cancel")}
          </button>
          <button className="btn primary" data-testid="resv-submit" disabled={normalizePhone(number) === null}>
            {t("reserve")}
          </button>
        </div>
      </form>
    </div>
  );
}

/** 예약현황 menu of the right tab. */
export function MyReservations() {
  const t = useT();
  const [status, setStatus] = useState("pending");
  const [rtype, setRtype] = useState("");
  const [date, setDate] = useState("");
  const [adding, setAdding] = useState(false);
  const [items, setItems] = useState<Reservation[]>([]);
  const version = useStore(deskStore, (s) => s.reservations);
  const isManager = useStore(deskStore, (s) => s.agent?.role === "manager" || s.agent?.role === "admin");

  useEffect(() => {
    const q = new URLSearchParams({ mine: "true", status });
    if (rtype) q.set("type", rtype);
    if (date) q.set("date", date);
    api<{ items: Reservation[] }>("GET", `/api/reservations?${q}`).then(
      (r) => setItems(r.items),
      (e) => notify("error", (e as Error).message),
    );
  }, [status, rtype, date, version]);

  const [editing, setEditing] = useState<Reservation | null>(null);

  async function cancel(id: number) {
    try {
      await api("POST", `/api/reservations/${id}/cancel`, {});
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }

  if (editing) return <EditReservation r={editing} onDone={() => setEditing(null)} />;

  return (
    <div data-testid="my-resv">
      {isManager && <BulkUpload />}
      {isManager && <DncList />}
      <div className="resv-filters">
        <select value={status} onChange={(e) => setStatus(e.target.value)} aria-label="status" data-testid="resv-filter-status">
          {["pending", "done", "failed", "cancelled"].map((s) => (
            <option key={s} value={s}>
              {t(`status_${s}` as LabelKey)}
            </option>
          ))}
        </select>
        <select value={rtype} onChange={(e) => setRtype(e.target.value)} aria-label="type" data-testid="resv-filter-type">
          <option value="">{t("all")}</option>
          {["direct", "bulk", "callback"].map((k) => (
            <option key={k} value={k}>
              {t(TYPE_KEY[k])}
            </option>
          ))}
        </select>
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} aria-label="date" data-testid="resv-filter-date" />
        <button className="btn small-btn primary" onClick={() => setAdding(true)} data-testid="resv-add">
          + {t("resvAdd")}
        </button>
      </div>
      {adding && <ReserveDialog onClose={() => setAdding(false)} />}
      {items.length === 0 ? (
        <p className="empty">{t("noResv")}</p>
      ) : (
        <table className="grid">
          <tbody>
            {items.map((r) => (
              <tr key={r.id}>
                <td className="nowrap">{when(r.scheduledAt)}</td>
                <td>
                  <span className={`rtype rt-${r.type}`}>{t(TYPE_KEY[r.type])}</span>
                </td>
                <td>
                  <span className="nowrap">{displayPhone(r.number)}</span>
                  <div className="muted small">
                    {r.customerName ?? ""} {r.attempts.length > 0 ? `· ${r.attempts.length}${t("attempts")}` : ""}
                  </div>
                </td>
                <td className="nowrap">
                  {r.status === "pending" && (
                    <div className="row-actions">
                      <button className="btn small-btn" onClick={() => setEditing(r)} data-testid="resv-edit">
                        {t("edit")}
                      </button>
                      <button className="btn small-btn" onClick={() => void cancel(r.id)}>
                        {t("cancelResv")}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Changes a pending reservation's time or memo. */
function EditReservation({ r, onDone }: { r: Reservation; onDone: () => void }) {
  const t = useT();
  const [at, setAt] = useState(localInputValue(new Date(r.scheduledAt).getTime()));
  const [memo, setMemo] = useState(r.memo);
  const [error, setError] = useState<string | null>(null);
  async function save(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api("PUT", `/api/reservations/${r.id}`, { scheduledAt: `${at}:00+09:00`, memo });
      notify("info", t("saved"));
      onDone();
    } catch (err) {
      setError(err instanceof ApiError ? Object.values(err.fields)[0] ?? err.message : String(err));
    }
  }
  return (
    <form className="cust-form" onSubmit={save} data-testid="resv-edit-form">
      <h3 className="sub">
        {t("edit")} · {displayPhone(r.number)}
      </h3>
      <label>
        {t("scheduledAt")}
        <input type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} data-testid="resv-edit-at" />
      </label>
      <label>
        {t("memo")}
        <textarea value={memo} onChange={(e) => setMemo(e.target.value)} maxLength={1000} />
      </label>
      {error && <span className="field-error">{error}</span>}
      <div className="row2">
        <button type="button" className="btn" onClick={onDone}>
          {t("cancel")}
        </button>
        <button className="btn primary" data-testid="resv-edit-save">
          {t("save")}
        </button>
      </div>
    </form>
  );
}
