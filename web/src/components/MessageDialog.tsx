// 문자발송 popup (F-MESSAGE), from the header and the customer panel. 문자: SMS / LMS decided by
// a live EUC-KR byte counter (90 bytes SMS, 2,000 LMS with a 40-byte title; emoji refused).
// 알림톡: pick a template, fill its #{변수} (prefilled from the customer, their latest order and
// me), preview, optional SMS/LMS fallback. Managers keep the AlimTalk templates here too. A send
// carries an Idempotency-Key so a double click or a retry never sends twice.

import { useEffect, useMemo, useState } from "react";
import { api, ApiError } from "../api";
import { notify } from "../actions";
import { deskStore } from "../desk";
import { displayPhone, formatAsTyped, normalizePhone } from "../format";
import { useT } from "../i18n";
import { checkText, euckrBytes, fillTemplate, LMS_MAX, prefill, SMS_MAX, TITLE_MAX } from "../sms";
import { useStore } from "../store";
import { useEscape } from "../hooks";
import type { AlimtalkTemplate } from "../generated/AlimtalkTemplate";
import type { Message } from "../generated/Message";
import type { Order } from "../generated/Order";

function newKey(): string {
  return `m-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface MessageTarget {
  number?: string;
  customerName?: string | null;
  customerId?: number | null;
}

export function MessageDialog({ target, onClose }: { target?: MessageTarget; onClose: () => void }) {
  const t = useT();
  useEscape(onClose);
  const call = useStore(deskStore, (s) => s.call);
  const me = useStore(deskStore, (s) => s.agent);
  const brand = useStore(deskStore, (s) => s.brand);
  const isManager = me?.role === "manager" || me?.role === "admin";
  const fromCall = call ? { number: call.from, customerName: call.customer?.name ?? null, customerId: call.customer?.id ?? null } : {};
  const start: MessageTarget = target ?? fromCall;
  const [number, setNumber] = useState(start.number ? displayPhone(start.number) : "");
  const [tab, setTab] = useState<"text" | "alimtalk" | "manage">("text");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [templates, setTemplates] = useState<AlimtalkTemplate[]>([]);
  const [code, setCode] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [fallback, setFallback] = useState(true);
  const [orders, setOrders] = useState<Order[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newKey);
  const [busy, setBusy] = useState(false);

  const digits = normalizePhone(number);
  const loadTemplates = () =>
    api<{ items: AlimtalkTemplate[] }>("GET", "/api/messages/templates").then(
      (r) => setTemplates(r.items),
      (e) => notify("error", (e as Error).message),
    );
  useEffect(() => {
    void loadTemplates();
  }, []);
  useEffect(() => {
    if (!brand?.hasMall || !digits) return;
    api<{ items: Order[] }>("GET", `/api/orders?phone=${encodeURIComponent(digits)}`).then(
      (r) => setOrders(r.items),
      () => setOrders([]),
    );
  }, [brand?.hasMall, digits]);

  const template = templates.find((x) => x.code === code) ?? null;
  const context = useMemo(
    () => ({
      customerName: start.customerName,
      orderNo: orders[0]?.orderNo,
      shippingCompany: orders[0]?.shippingCompany,
      trackingNo: orders[0]?.trackingNo,
      agentName: me?.name,
      brandName: brand?.name,
      number: digits ? displayPhone(digits) : null,
    }),
    [start.customerName, orders, me?.name, brand?.name, digits],
  );

  function pick(c: string) {
    setCode(c);
    setErrors({});
    const tpl = templates.find((x) => x.code === c);
    setValues(tpl ? prefill(tpl.variables, context) : {});
  }

  function pickOrder(no: string) {
    const o = orders.find((x) => x.orderNo === no);
    if (!o) return;
    setValues((v) => {
      const next = { ...v };
      if ("주문번호" in next) next["주문번호"] = o.orderNo;
      if ("택배사" in next) next["택배사"] = o.shippingCompany ?? "";
      if ("운송장번호" in next) next["운송장번호"] = o.trackingNo ?? "";
      return next;
    });
  }

  const text = checkText(title, body);
  const preview = template ? fillTemplate(template.body, values) : "";
  const previewBytes = euckrBytes(preview);
  const missing = template ? template.variables.filter((v) => !values[v]?.trim()) : [];
  const canSend =
    !busy &&
    digits !== null &&
    (tab === "text" ? text.problem === null : template !== null && missing.length === 0);

  async function send(e: React.FormEvent) {
    e.preventDefault();
    if (!canSend) return;
    const payload =
      tab === "text"
        ? { to: number, title: title.trim() || null, body }
        : { to: number, kind: "alimtalk", templateCode: code, variables: values, fallback };
    setBusy(true);
    try {
      const m = await api<Message>(
        "POST",
        "/api/messages",
        {
          ...payload,
          customerId: start.customerId ?? null,
          ticketId: call?.ticketId ?? null,
        },
        { "Idempotency-Key": key },
      );
      notify("info", `${t("msgAccepted")} · ${kindLabel(m.kind)}`);
      onClose();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
      else notify("error", (err as Error).message);
      setKey(newKey());
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal msg-modal" data-testid="msg-dialog" role="dialog" aria-modal="true" aria-label={t("message")}>
        <div className="msg-tabs">
          <h3>{t("msgTitle")}</h3>
          <button type="button" className={`tab ${tab === "text" ? "active" : ""}`} onClick={() => setTab("text")} data-testid="msg-tab-text">
            {t("msgText")}
          </button>
          <button type="button" className={`tab ${tab === "alimtalk" ? "active" : ""}`} onClick={() => setTab("alimtalk")} data-testid="msg-tab-alimtalk">
            {t("alimtalk")}
          </button>
          {isManager && (
            <button type="button" className={`tab ${tab === "manage" ? "active" : ""}`} onClick={() => setTab("manage")} data-testid="msg-tab-manage">
              {t("manageTemplates")}
            </button>
          )}
        </div>
        {tab === "manage" ? (
          <TemplateManager templates={templates} onChanged={() => void loadTemplates()} />
        ) : (
          <form className="cust-form" onSubmit={send}>
            <label>
              <span>
                {t("msgTo")}
                {start.customerName && <strong className="to-name"> · {start.customerName}</strong>}
              </span>
              <input value={number} onChange={(e) => setNumber(formatAsTyped(e.target.value))} data-testid="msg-to" inputMode="tel" placeholder="010-0000-0000" />
              {errors.to && <span className="field-error">{errors.to}</span>}
            </label>
            {tab === "text" ? (
              <>
                <label>
                  {t("msgSubject")}
                  <input value={title} onChange={(e) => setTitle(e.target.value)} data-testid="msg-subject" placeholder={t("msgSubjectHint")} />
                  {errors.title && <span className="field-error">{errors.title}</span>}
                </label>
                <label>
                  {t("msgBody")}
                  <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={7} data-testid="msg-body" autoFocus />
                  {errors.body && <span className="field-error" data-testid="msg-error-body">{errors.body}</span>}
                </label>
                <div className={`byte-counter ${text.problem && body ? "over" : ""}`} data-testid="msg-counter">
                  <span className={`kind-chip k-${text.kind}`}>{text.kind.toUpperCase()}</span>
                  <span>
                    {text.bytes.toLocaleString()} / {(text.kind === "sms" ? SMS_MAX : LMS_MAX).toLocaleString()} bytes
                  </span>
                  {title.trim() && (
                    <span className="muted">
                      · {t("msgSubject")} {text.titleBytes} / {TITLE_MAX}
                    </span>
                  )}
                  {text.problem && body && <span className="warn" data-testid="msg-problem">{text.problem}</span>}
                </div>
              </>
            ) : (
              <>
                <label>
                  {t("template")}
                  <select value={code} onChange={(e) => pick(e.target.value)} data-testid="msg-template">
                    <option value="">{t("choose")}</option>
                    {templates.map((x) => (
                      <option key={x.code} value={x.code}>
                        {x.name} ({x.code})
                      </option>
                    ))}
                  </select>
                  {errors.templateCode && <span className="field-error">{errors.templateCode}</span>}
                </label>
                {template && template.variables.includes("주문번호") && orders.length > 1 && (
                  <label>
                    {t("orders")}
                    <select onChange={(e) => pickOrder(e.target.value)} data-testid="msg-order">
                      {orders.map((o) => (
                        <option key={o.orderNo} value={o.orderNo}>
                          {o.orderNo} · {o.statusLabel}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
                {template?.variables.map((v) => (
                  <label key={v} className="var-row">
                    <span className="var-name">#{`{${v}}`}</span>
                    <input
                      value={values[v] ?? ""}
                      onChange={(e) => setValues((cur) => ({ ...cur, [v]: e.target.value }))}
                      data-testid={`msg-var-${v}`}
                    />
                    {errors[`variables.${v}`] && <span className="field-error">{errors[`variables.${v}`]}</span>}
                  </label>
                ))}
                {template && (
                  <>
                    <div className="msg-preview" data-testid="msg-preview">
                      {preview}
                    </div>
                    <label className="check">
                      <input type="checkbox" checked={fallback} onChange={(e) => setFallback(e.target.checked)} data-testid="msg-fallback" />
                      {t("fallback")}{" "}
                      <span className="muted small">
                        ({previewBytes.bytes <= SMS_MAX ? "SMS" : "LMS"} {previewBytes.bytes.toLocaleString()} bytes)
                      </span>
                    </label>
                    {fallback && previewBytes.bad.length > 0 && (
                      <span className="warn small">{t("fallbackBad")}: {previewBytes.bad.join("")}</span>
                    )}
                    {errors.fallback && <span className="field-error">{errors.fallback}</span>}
                  </>
                )}
              </>
            )}
            <div className="row2">
              <button type="button" className="btn" onClick={onClose}>
                {t("cancel")}
              </button>
              <button className="btn primary" data-testid="msg-send" disabled={!canSend}>
                {t("send")}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}

export function kindLabel(k: string): string {
  return k === "alimtalk" ? "알림톡" : k.toUpperCase();
}

/** 템플릿 관리 (managers): add, edit and delete AlimTalk templates. */
function TemplateManager({ templates, onChanged }: { templates: AlimtalkTemplate[]; onChanged: () => void }) {
  const t = useT();
  const [editing, setEditing] = useState<AlimtalkTemplate | null>(null);
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [body, setBody] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});

  function edit(x: AlimtalkTemplate | null) {
    setEditing(x);
    setCode(x?.code ?? "");
    setName(x?.name ?? "");
    setBody(x?.body ?? "");
    setErrors({});
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    try {
      if (editing) await api("PUT", `/api/messages/templates/${encodeURIComponent(editing.code)}`, { name, body });
      else await api("POST", "/api/messages/templates", { code, name, body });
      notify("info", t("saved"));
      edit(null);
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
      else notify("error", (err as Error).message);
    }
  }

  async function remove(x: AlimtalkTemplate) {
    if (!confirm(`${x.name} (${x.code}) ${t("delete")}?`)) return;
    try {
      await api("DELETE", `/api/messages/templates/${encodeURIComponent(x.code)}`);
      onChanged();
    } catch (err) {
      notify("error", (err as Error).message);
    }
  }

  return (
    <div className="tpl-manager" data-testid="alimtalk-manager">
      <table className="grid">
        <tbody>
          {templates.map((x) => (
            <tr key={x.code}>
              <td className="nowrap">
                <strong>{x.name}</strong>
                <div className="muted small">{x.code}</div>
              </td>
              <td className="small pre">{x.body}</td>
              <td className="nowrap">
                <button className="btn small-btn" onClick={() => edit(x)}>
                  {t("edit")}
                </button>{" "}
                <button className="btn small-btn danger" onClick={() => void remove(x)}>
                  {t("delete")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="cust-form" onSubmit={save}>
        <h3 className="sub">{editing ? `${t("edit")} · ${editing.code}` : t("newTemplate")}</h3>
        {!editing && (
          <label>
            {t("templateCode")}
            <input value={code} onChange={(e) => setCode(e.target.value)} data-testid="at-code" placeholder="ORDER_CONFIRM" />
            {errors.code && <span className="field-error">{errors.code}</span>}
          </label>
        )}
        <label>
          {t("name")}
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="at-name" />
          {errors.name && <span className="field-error">{errors.name}</span>}
        </label>
        <label>
          {t("msgBody")} <span className="muted small">#{"{고객명}"}, #{"{주문번호}"} …</span>
          <textarea value={body} onChange={(e) => setBody(e.target.value)} rows={5} data-testid="at-body" />
          {errors.body && <span className="field-error">{errors.body}</span>}
        </label>
        <div className="row2">
          {editing && (
            <button type="button" className="btn" onClick={() => edit(null)}>
              {t("cancel")}
            </button>
          )}
          <button className="btn primary" data-testid="at-save">
            {t("save")}
          </button>
        </div>
      </form>
    </div>
  );
}
