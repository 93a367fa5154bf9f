// 고객정보 (F-CUSTOMER): the caller's record as soon as the call rings — details, claim /
// blacklist, 관리메모 history (F-CUST-MEMO), 상담이력 (F-CUST-HISTORY), 문자 이력, and 예약하기 /
// 문자발송 buttons for this customer (F-RESERVE, F-MESSAGE); a new-customer form
// prefilled with an unknown caller's number, linked to the call once saved; a lookup by name or
// number when no call is up.

import { useCallback, useEffect, useState } from "react";
import { api, ApiError, download } from "../api";
import { notify } from "../actions";
import { deskStore } from "../desk";
import { displayPhone, mmss, timeOfDay } from "../format";
import { useLang, useT } from "../i18n";
import { useStore } from "../store";
import type { ConsultationSummary } from "../generated/ConsultationSummary";
import type { Customer } from "../generated/Customer";
import type { CustomerMemo } from "../generated/CustomerMemo";
import { ConfirmDialog } from "./ConfirmDialog";
import { OutcomeMark } from "./OutcomeMark";
import { MessageDialog } from "./MessageDialog";
import { MessageHistory } from "./MessageHistory";
import { ReserveDialog } from "./Reservations";

export function CustomerPanel({ onOpenConsultation }: { onOpenConsultation: (t: string) => void }) {
  const t = useT();
  const call = useStore(deskStore, (s) => s.call);
  const [picked, setPicked] = useState<{ id: number; ticket: string | null } | null>(null);
  const ticket = call?.ticketId ?? null;
  // The panel follows the call: a customer picked in search belongs to the moment it was
  // picked (between calls), never to a caller who rings later.
  const [seenTicket, setSeenTicket] = useState(ticket);
  if (ticket !== seenTicket) {
    setSeenTicket(ticket);
    if (ticket !== null) setPicked(null);
  }
  const pick = picked && picked.ticket === ticket ? picked.id : null;
  const shown = call ? (call.customer?.id ?? null) : pick;

  return (
    <div className="cust" data-testid="customer-panel">
      {!call && <CustomerSearch onPick={(id) => setPicked({ id, ticket: null })} />}
      {shown !== null ? (
        <CustomerRecord key={shown} id={shown} onOpenConsultation={onOpenConsultation} onErased={() => setPicked(null)} />
      ) : call ? (
        <CustomerForm key={call.ticketId} number={call.from} ticketId={call.ticketId} />
      ) : (
        <p className="empty">{t("noCustomer")}</p>
      )}
    </div>
  );
}

function CustomerSearch({ onPick }: { onPick: (id: number) => void }) {
  const t = useT();
  const [q, setQ] = useState("");
  const [items, setItems] = useState<Customer[]>([]);
  const [more, setMore] = useState(false);
  async function search(e: React.FormEvent) {
    e.preventDefault();
    if (!q.trim()) return;
    try {
      const r = await api<{ items: Customer[]; more?: boolean }>("GET", `/api/customers?q=${encodeURIComponent(q.trim())}`);
      setItems(r.items);
      setMore(r.more === true);
      if (r.items.length === 0) notify("info", t("noResults"));
    } catch (err) {
      notify("error", (err as Error).message);
    }
  }
  return (
    <form onSubmit={search} className="cust-search">
      <input data-testid="customer-search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t("customerSearchHint")} aria-label={t("search")} />
      {items.length > 0 && (
        <ul className="picks" data-testid="customer-picks">
          {items.map((c) => (
            <li key={c.id}>
              <button type="button" className="link" onClick={() => { onPick(c.id); setItems([]); }}>
                {c.name} · {displayPhone(c.phone)}
              </button>
            </li>
          ))}
          {more && <li className="muted small" data-testid="customer-more">{t("customerSearchMore")}</li>}
        </ul>
      )}
    </form>
  );
}

function CustomerRecord({ id, onOpenConsultation, onErased }: { id: number; onOpenConsultation: (t: string) => void; onErased: () => void }) {
  const t = useT();
  const lang = useLang();
  const [c, setC] = useState<Customer | null>(null);
  const [memos, setMemos] = useState<CustomerMemo[]>([]);
  const [history, setHistory] = useState<ConsultationSummary[]>([]);
  const [editing, setEditing] = useState(false);
  const [messaging, setMessaging] = useState(false);
  const [reserving, setReserving] = useState(false);
  const [memo, setMemo] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [erasing, setErasing] = useState(false);
  const isManager = useStore(deskStore, (s) => s.agent?.role === "manager" || s.agent?.role === "admin");
  const consCount = useStore(deskStore, (s) => s.consCounts.total);
  const liveTicket = useStore(deskStore, (s) => s.call?.ticketId ?? null);

  const reload = useCallback(async () => {
    try {
      const [cust, m, h] = await Promise.all([
        api<Customer>("GET", `/api/customers/${id}`),
        api<{ items: CustomerMemo[] }>("GET", `/api/customers/${id}/memos`),
        api<{ items: ConsultationSummary[] }>("GET", `/api/customers/${id}/consultations`),
      ]);
      setC(cust);
      setMemos(m.items);
      setHistory(h.items);
    } catch (err) {
      notify("error", (err as Error).message);
    }
  }, [id]);

  // Reload when opened and whenever one of my consultations completes (history grows).
  useEffect(() => {
    void reload();
  }, [reload, consCount]);

  if (!c) return <p className="empty">…</p>;
  // Past consultations: the call in progress is not history yet.
  const past = history.filter((h) => h.ticketId !== liveTicket);
  if (editing) return <CustomerForm existing={c} number={c.phone} onSaved={() => { setEditing(false); void reload(); }} />;

  async function addMemo(e: React.FormEvent) {
    e.preventDefault();
    if (!memo.trim()) return;
    try {
      await api("POST", `/api/customers/${id}/memos`, { text: memo });
      setMemo("");
      void reload();
    } catch (err) {
      notify("error", (err as Error).message);
    }
  }

  async function setBlacklist(on: boolean, why: string): Promise<boolean> {
    try {
      await api("PUT", `/api/customers/${id}/blacklist`, { blacklisted: on, reason: why });
      notify("info", on ? t("blacklistOn") : t("blacklistOff"));
      void reload();
      return true;
    } catch (err) {
      notify("error", err instanceof ApiError ? (Object.values(err.fields)[0] ?? err.message) : String(err));
      return false;
    }
  }

  /** 삭제 요청: the person is taken out of every record (the server keeps the day's counts). */
  async function erase(why: string): Promise<boolean> {
    try {
      await api("POST", `/api/customers/${id}/erase`, { reason: why });
      notify("info", t("erasedNotice"));
      onErased();
      return true;
    } catch (err) {
      notify("error", err instanceof ApiError ? (Object.values(err.fields)[0] ?? err.message) : String(err));
      return false;
    }
  }

  /** 열람 요청: everything held on the customer, as a file to hand over. */
  async function exportHeld() {
    try {
      await download(`/api/customers/${id}/export`, `calldesk-customer-${id}.json`);
    } catch (err) {
      notify("error", (err as Error).message);
    }
  }

  return (
    <>
      <div className="cust-head">
        <strong className="cust-name" data-testid="customer-name">{c.name}</strong>
        {c.blacklisted && (
          <span className="badge sm st-on_call" data-testid="customer-blacklisted">
            {t("blacklist")}
          </span>
        )}
        <button className="btn small-btn" onClick={() => setReserving(true)} data-testid="customer-reserve">
          {t("reserve")}
        </button>
        <button className="btn small-btn" onClick={() => setMessaging(true)} data-testid="customer-message">
          {t("message")}
        </button>
        <button className="btn small-btn" onClick={() => setEditing(true)}>
          {t("edit")}
        </button>
      </div>
      {reserving && <ReserveDialog target={{ number: c.phone, name: c.name }} onClose={() => setReserving(false)} />}
      {messaging && (
        <MessageDialog target={{ number: c.phone, customerName: c.name, customerId: c.id }} onClose={() => setMessaging(false)} />
      )}
      <dl className="kv wide">
        <dt>{t("phones")}</dt>
        <dd>{[c.phone, ...c.phones].map(displayPhone).join(", ")}</dd>
        <dt>{t("email")}</dt>
        <dd>{c.email ?? "—"}</dd>
        <dt>{t("birthDate")}</dt>
        <dd>{c.birthDate ?? "—"}</dd>
        <dt>{t("claim")}</dt>
        <dd>{c.blacklisted ? <span className="warn">{c.blacklistReason}</span> : t("none")}</dd>
      </dl>
      <div className="row2">
        <button className={`btn ${c.blacklisted ? "" : "danger"}`} onClick={() => setConfirming(true)} data-testid="blacklist-toggle">
          {c.blacklisted ? t("blacklistOff") : t("blacklistOn")}
        </button>
        {isManager && (
          <>
            <button className="btn" onClick={() => void exportHeld()} title={t("accessRequestHint")} data-testid="customer-access-export">
              {t("accessRequest")}
            </button>
            <button className="btn danger" onClick={() => setErasing(true)} title={t("eraseRequestHint")} data-testid="customer-erase">
              {t("eraseRequest")}
            </button>
          </>
        )}
      </div>
      {erasing && (
        <ConfirmDialog
          title={t("eraseRequest")}
          body={t("eraseRequestBody").replace("{name}", c.name)}
          reasonLabel={t("eraseReason")}
          confirmLabel={t("eraseConfirm")}
          danger
          onConfirm={erase}
          onClose={() => setErasing(false)}
        />
      )}
      {confirming && (
        <ConfirmDialog
          title={c.blacklisted ? t("blacklistOff") : t("blacklistOn")}
          body={(c.blacklisted ? t("blacklistOffBody") : t("blacklistOnBody")).replace("{name}", c.name)}
          reasonLabel={t("blacklistReason")}
          confirmLabel={c.blacklisted ? t("blacklistOff") : t("blacklistOn")}
          danger={!c.blacklisted}
          onConfirm={(why) => setBlacklist(!c.blacklisted, why)}
          onClose={() => setConfirming(false)}
        />
      )}

      <h3 className="sub">{t("memo")}</h3>
      <form className="row2" onSubmit={addMemo}>
        <input value={memo} onChange={(e) => setMemo(e.target.value)} placeholder={t("addMemo")} data-testid="memo-input" maxLength={2000} />
        <button className="btn" style={{ flex: "0 0 auto" }}>{t("save")}</button>
      </form>
      {memos.length === 0 ? (
        <p className="empty small">{t("noMemos")}</p>
      ) : (
        <ul className="memos" data-testid="memo-list">
          {memos.map((m) => (
            <li key={m.id} className={m.kind !== "memo" ? "memo-flag" : ""}>
              <div>{m.text}</div>
              <div className="muted small">
                {m.authorName} · {new Date(m.at).toLocaleString(lang === "ko" ? "ko-KR" : "en-GB", { timeZone: "Asia/Seoul", hour12: false })}
              </div>
            </li>
          ))}
        </ul>
      )}

      <h3 className="sub">
        {t("history")} ({past.length})
      </h3>
      {past.length === 0 ? (
        <p className="empty small">{t("noHistory")}</p>
      ) : (
        <table className="grid" data-testid="customer-history">
          <tbody>
            {past.map((h) => (
              <tr key={h.ticketId} className="clickable" onClick={() => onOpenConsultation(h.ticketId)}>
                <td className="nowrap">
                  {new Date(h.startedAt).toLocaleDateString("ko-KR", { timeZone: "Asia/Seoul", month: "2-digit", day: "2-digit" })}{" "}
                  {timeOfDay(h.startedAt, lang)}
                </td>
                <td>
                  <span className={`ch ch-${h.channel}`}>{h.channel}</span>
                </td>
                <td>
                  <OutcomeMark outcome={h.outcome} />{" "}
                  {h.agentName ?? (h.outcome === "abandoned" ? "" : "—")}
                  <div className="muted small">
                    {h.category ?? h.serviceName}
                    {h.result ? ` · ${h.result}` : ""}
                  </div>
                </td>
                <td className="num">{mmss(h.talkS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MessageHistory customerId={c.id} />
    </>
  );
}

function CustomerForm(props: { number: string; ticketId?: string; existing?: Customer; onSaved?: () => void }) {
  const t = useT();
  const ex = props.existing;
  const [name, setName] = useState(ex?.name ?? "");
  const [phones, setPhones] = useState(ex ? [ex.phone, ...ex.phones].map(displayPhone).join(", ") : displayPhone(props.number));
  const [email, setEmail] = useState(ex?.email ?? "");
  const [birthDate, setBirthDate] = useState(ex?.birthDate ?? "");
  const [memo, setMemo] = useState(ex?.memo ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body = {
      name,
      phones: phones.split(",").map((p) => p.trim()).filter(Boolean),
      email: email || null,
      birthDate: birthDate || null,
      memo: memo || null,
      ticketId: props.ticketId ?? null,
    };
    try {
      const saved = ex
        ? await api<Customer>("PUT", `/api/customers/${ex.id}`, body)
        : await api<Customer>("POST", "/api/customers", body);
      setErrors({});
      notify("info", `${t("saved")} · ${saved.name}`);
      if (!ex) {
        // The call in progress now shows who it is.
        deskStore.set((s) => (s.call && s.call.ticketId === props.ticketId ? { ...s, call: { ...s.call, customer: saved } } : s));
      }
      props.onSaved?.();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length > 0) setErrors(err.fields);
      else notify("error", (err as Error).message);
    }
  }

  const field = (key: string, label: string, input: React.ReactNode) => (
    <label className={errors[key] ? "has-error" : ""}>
      {label}
      {input}
      {errors[key] && <span className="field-error" data-testid={`error-${key}`}>{errors[key]}</span>}
    </label>
  );

  return (
    <form className="cust-form" onSubmit={save} data-testid="customer-form">
      <h3 className="sub">{ex ? t("edit") : t("newCustomerTitle")}</h3>
      {field("name", t("name"), <input value={name} onChange={(e) => setName(e.target.value)} data-testid="customer-form-name" maxLength={50} />)}
      {field("phones", t("phones"), <input value={phones} onChange={(e) => setPhones(e.target.value)} data-testid="customer-form-phones" />)}
      {field("email", t("email"), <input value={email} onChange={(e) => setEmail(e.target.value)} data-testid="customer-form-email" />)}
      {field("birthDate", t("birthDate"), <input type="date" value={birthDate} onChange={(e) => setBirthDate(e.target.value)} data-testid="customer-form-birth" />)}
      {field("memo", t("memo"), <textarea value={memo} onChange={(e) => setMemo(e.target.value)} maxLength={2000} />)}
      <div className="row2">
        {ex && (
          <button type="button" className="btn" onClick={props.onSaved}>
            {t("cancel")}
          </button>
        )}
        <button className="btn primary" data-testid="customer-form-save">
          {t("save")}
        </button>
      </div>
    </form>
  );
}
