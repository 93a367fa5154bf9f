// 브랜드 설정 → 연동: the shopping mall (none, the demo mall, or a mall's HTTP API with its URL
// templates, auth header, status codes and field mapping) and the message carrier (outbox or NHN
// Cloud), each with a check that runs against the real service as typed — 연결 시험 looks a phone
// number up, 시험 발송 sends one SMS — before it is saved. Secrets are write-only: the server
// says only whether one is set, and an empty box keeps it.

import { useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { useT } from "../i18n";
import { Field, fieldErrors } from "./shared";

export interface MallView {
  kind: "demo" | "http";
  orderUrl?: string;
  phoneUrl?: string;
  authHeaderName?: string | null;
  authHeaderSet?: boolean;
  statusCodes?: "cafe24" | "naver" | "plain";
  fields?: Record<string, string | null>;
}

export interface MessagingView {
  kind: "outbox" | "nhn";
  alimtalkUrl?: string;
  smsUrl?: string;
  appKey?: string;
  smsAppKey?: string;
  senderKey?: string;
  sendNo?: string;
  secretKeySet?: boolean;
}

const FIELD_KEYS = [
  "order",
  "list",
  "orderNo",
  "orderedAt",
  "status",
  "customerName",
  "phone",
  "items",
  "itemName",
  "itemOption",
  "itemQuantity",
  "itemPrice",
  "totalAmount",
  "paymentMethod",
  "shippingCompany",
  "trackingNo",
] as const;
const OPTIONAL = ["order", "list", "itemOption", "shippingCompany", "trackingNo"];

/** Cafe24 Admin API's order fields, as a starting point. */
const CAFE24: Record<string, string> = {
  order: "/order",
  list: "/orders",
  orderNo: "/order_id",
  orderedAt: "/order_date",
  status: "/items/0/order_status",
  customerName: "/buyer/name",
  phone: "/buyer/cellphone",
  items: "/items",
  itemName: "/product_name",
  itemOption: "/option_value",
  itemQuantity: "/quantity",
  itemPrice: "/product_price",
  totalAmount: "/actual_order_amount/payment_amount",
  paymentMethod: "/payment_method_name/0",
  shippingCompany: "/items/0/shipping_company_name",
  trackingNo: "/items/0/tracking_no",
};

type TestResult = { ok: boolean; text: string } | null;

export function LinksSection({ mall, messaging, onSaved }: { mall: MallView | null; messaging: MessagingView; onSaved: () => void }) {
  return (
    <>
      <MallForm mall={mall} onSaved={onSaved} />
      <MessagingForm messaging={messaging} onSaved={onSaved} />
    </>
  );
}

function TestLine({ result }: { result: TestResult }) {
  if (!result) return null;
  return (
    <span className={result.ok ? "ok" : "fail"} role="status" data-testid="link-test-result">
      {result.ok ? "✓ " : "✗ "}
      {result.text}
    </span>
  );
}

/** What both link forms do: test as typed (the answer in words), save (only this link). */
function useLinkForm(link: "mall" | "messaging", onSaved: () => void) {
  const t = useT();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [result, setResult] = useState<TestResult>(null);
  const [busy, setBusy] = useState(false);
  async function run(work: () => Promise<void>) {
    setBusy(true);
    try {
      await work();
      setErrors({});
    } catch (e) {
      setErrors(fieldErrors(e));
    } finally {
      setBusy(false);
    }
  }
  /** Runs the link's test with `body`; `say` turns the answer into the line shown. */
  const test = <R,>(body: Record<string, unknown>, say: (r: R) => NonNullable<TestResult>) => {
    setResult(null);
    return run(async () => setResult(say(await api<R>("POST", `/api/admin/settings/${link}/test`, body))));
  };
  /** Saves the link; `after` clears what must not stay in the form (a typed secret). */
  const save = (value: unknown, after: () => void) =>
    run(async () => {
      await api("PUT", "/api/admin/settings", { [link]: value });
      after();
      notify("info", t("settingsSaved"));
      onSaved();
    });
  return { errors, result, setResult, busy, test, save };
}

function MallForm({ mall, onSaved }: { mall: MallView | null; onSaved: () => void }) {
  const t = useT();
  const [kind, setKind] = useState<string>(mall?.kind ?? "none");
  const [orderUrl, setOrderUrl] = useState(mall?.orderUrl ?? "");
  const [phoneUrl, setPhoneUrl] = useState(mall?.phoneUrl ?? "");
  const [headerName, setHeaderName] = useState(mall?.authHeaderName ?? "");
  const [headerValue, setHeaderValue] = useState("");
  const [codes, setCodes] = useState<string>(mall?.statusCodes ?? "cafe24");
  const [fields, setFields] = useState<Record<string, string>>(() => Object.fromEntries(FIELD_KEYS.map((k) => [k, mall?.fields?.[k] ?? ""])));
  const [testPhone, setTestPhone] = useState("");
  const { errors, result, setResult, busy, test: runTest, save: runSave } = useLinkForm("mall", onSaved);

  function body(): unknown {
    if (kind === "none") return null;
    if (kind === "demo") return { kind: "demo" };
    const f: Record<string, string | null> = {};
    for (const k of FIELD_KEYS) f[k] = fields[k].trim() === "" && OPTIONAL.includes(k) ? (k === "order" || k === "list" ? "" : null) : fields[k].trim();
    return {
      kind: "http",
      orderUrl: orderUrl.trim(),
      phoneUrl: phoneUrl.trim(),
      authHeaderName: headerName.trim(),
      authHeaderValue: headerValue,
      statusCodes: codes,
      fields: f,
    };
  }

  const test = () =>
    runTest<{ ok: boolean; ms: number; orders?: number; error?: string }>({ mall: body(), phone: testPhone }, (r) => ({
      ok: r.ok,
      text: r.ok ? t("mallTestOk").replace("{ms}", String(r.ms)).replace("{n}", String(r.orders ?? 0)) : (r.error ?? ""),
    }));
  const save = () => runSave(body(), () => setHeaderValue(""));

  return (
    <fieldset className="settings-form link-card" data-testid="link-mall">
      <legend>{t("mallLink")}</legend>
      <div className="form-grid">
        <Field label={t("linkKind")} error={errors["mall.kind"]}>
          <select
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              setResult(null);
            }}
            data-testid="mall-kind"
          >
            <option value="none">{t("none")}</option>
            {mall?.kind === "demo" && <option value="demo">{t("demoMall")}</option>}
            <option value="http">{t("httpMall")}</option>
          </select>
        </Field>
        {kind === "http" && (
          <Field label={t("statusCodes")} error={errors["mall.statusCodes"]}>
            <select value={codes} onChange={(e) => setCodes(e.target.value)}>
              <option value="cafe24">Cafe24</option>
              <option value="naver">{t("naverCommerce")}</option>
              <option value="plain">{t("plainCodes")}</option>
            </select>
          </Field>
        )}
      </div>
      {kind === "http" && (
        <>
          <div className="form-grid">
            <Field label={t("orderUrl")} error={errors["mall.orderUrl"]} hint="https://…/orders/{orderNo}">
              <input value={orderUrl} onChange={(e) => setOrderUrl(e.target.value)} data-testid="mall-orderUrl" />
            </Field>
            <Field label={t("phoneUrl")} error={errors["mall.phoneUrl"]} hint="https://…/orders?phone={phone}">
              <input value={phoneUrl} onChange={(e) => setPhoneUrl(e.target.value)} data-testid="mall-phoneUrl" />
            </Field>
            <Field label={t("authHeaderName")} error={errors["mall.authHeaderName"]} hint="Authorization">
              <input value={headerName} onChange={(e) => setHeaderName(e.target.value)} data-testid="mall-headerName" />
            </Field>
            <Field label={t("authHeaderValue")} error={errors["mall.authHeaderValue"]} hint={mall?.authHeaderSet ? t("secretKept") : undefined}>
              <input type="password" value={headerValue} onChange={(e) => setHeaderValue(e.target.value)} autoComplete="off" placeholder={mall?.authHeaderSet ? "••••••••" : ""} data-testid="mall-headerValue" />
            </Field>
          </div>
          <details className="mapping" open={!mall?.fields}>
            <summary>
              {t("fieldMapping")} <span className="muted small-note">{t("fieldMappingHint")}</span>
            </summary>
            <div className="form-grid mapping-grid">
              {FIELD_KEYS.map((k) => (
                <Field key={k} label={`${t(`map_${k}` as "map_orderNo")}${OPTIONAL.includes(k) ? "" : " *"}`}>
                  <input value={fields[k]} onChange={(e) => setFields((f) => ({ ...f, [k]: e.target.value }))} data-testid={`map-${k}`} />
                </Field>
              ))}
            </div>
            {errors["mall.fields"] && <p className="field-error">{errors["mall.fields"]}</p>}
            <button type="button" className="btn small-btn" onClick={() => setFields({ ...CAFE24 })}>
              {t("fillCafe24")}
            </button>
          </details>
        </>
      )}
      <div className="link-test">
        {kind !== "none" && (
          <>
            <input value={testPhone} onChange={(e) => setTestPhone(e.target.value)} placeholder={t("testPhone")} aria-label={t("testPhone")} className="test-input" data-testid="mall-test-phone" />
            <button type="button" className="btn" disabled={busy} onClick={() => void test()} data-testid="mall-test">
              {t("testConnection")}
            </button>
          </>
        )}
        <TestLine result={result} />
        {errors.phone && <span className="field-error">{errors.phone}</span>}
        <button type="button" className="btn primary push-right" disabled={busy} onClick={() => void save()} data-testid="mall-save">
          {t("saveLink")}
        </button>
      </div>
    </fieldset>
  );
}

function MessagingForm({ messaging, onSaved }: { messaging: MessagingView; onSaved: () => void }) {
  const t = useT();
  const [kind, setKind] = useState<string>(messaging.kind);
  const [v, setV] = useState<Record<string, string>>({
    alimtalkUrl: messaging.alimtalkUrl ?? "https://api-alimtalk.cloud.toast.com",
    smsUrl: messaging.smsUrl ?? "https://api-sms.cloud.toast.com",
    appKey: messaging.appKey ?? "",
    smsAppKey: messaging.smsAppKey ?? "",
    senderKey: messaging.senderKey ?? "",
    sendNo: messaging.sendNo ?? "",
    secretKey: "",
  });
  const [to, setTo] = useState("");
  const { errors, result, setResult, busy, test: runTest, save: runSave } = useLinkForm("messaging", onSaved);
  const body = () => (kind === "outbox" ? { kind } : { kind, ...v });

  const test = () =>
    runTest<{ ok: boolean; ms: number; outbox: boolean; reason?: string | null }>({ messaging: body(), to }, (r) => ({
      ok: r.ok,
      text: r.outbox ? t("outboxTestOk") : r.ok ? t("smsTestOk").replace("{ms}", String(r.ms)) : (r.reason ?? ""),
    }));
  const save = () => runSave(body(), () => setV((x) => ({ ...x, secretKey: "" })));

  const input = (k: string, label: string, secret = false, hint?: string) => (
    <Field label={label} error={errors[`messaging.${k}`]} hint={hint}>
      <input
        type={secret ? "password" : "text"}
        value={v[k]}
        onChange={(e) => setV((x) => ({ ...x, [k]: e.target.value }))}
        autoComplete="off"
        placeholder={secret && messaging.secretKeySet ? "••••••••" : ""}
        data-testid={`msg-${k}`}
      />
    </Field>
  );

  return (
    <fieldset className="settings-form link-card" data-testid="link-messaging">
      <legend>{t("messagingLink")}</legend>
      <div className="form-grid">
        <Field label={t("linkKind")} error={errors["messaging.kind"]}>
          <select
            value={kind}
            onChange={(e) => {
              setKind(e.target.value);
              setResult(null);
            }}
            data-testid="msg-kind"
          >
            <option value="outbox">{t("outboxOnly")}</option>
            <option value="nhn">NHN Cloud (알림톡 · SMS)</option>
          </select>
        </Field>
      </div>
      {kind === "nhn" && (
        <div className="form-grid">
          {input("appKey", "알림톡 AppKey")}
          {input("smsAppKey", "SMS AppKey")}
          {input("secretKey", "Secret Key", true, messaging.secretKeySet ? t("secretKept") : undefined)}
          {input("senderKey", t("senderKey"))}
          {input("sendNo", t("sendNo"), false, "1588-0000")}
          {input("alimtalkUrl", "알림톡 API")}
          {input("smsUrl", "SMS API")}
        </div>
      )}
      <div className="link-test">
        <input value={to} onChange={(e) => setTo(e.target.value)} placeholder={t("testMobile")} aria-label={t("testMobile")} className="test-input" data-testid="msg-test-to" />
        <button type="button" className="btn" disabled={busy} onClick={() => void test()} data-testid="msg-test">
          {t("testSend")}
        </button>
        <TestLine result={result} />
        {errors.to && <span className="field-error">{errors.to}</span>}
        <button type="button" className="btn primary push-right" disabled={busy} onClick={() => void save()} data-testid="msg-save">
          {t("saveLink")}
        </button>
      </div>
    </fieldset>
  );
}
