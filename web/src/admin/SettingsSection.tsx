// 브랜드 설정: every setting of the brand in one form; saving changes only what was edited,
// names every wrong field, and applies at once (desks get the new lists and timings). The mall
// and message links below it (LinksSection) save on their own, after a test if wanted.

import { useEffect, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { useT } from "../i18n";
import { Field, fieldErrors } from "./shared";
import { LinksSection, type MallView, type MessagingView } from "./LinksSection";
import type { WallboardSettings } from "../generated/WallboardSettings";
import type { Retention } from "../generated/Retention";

interface Settings {
  name: string;
  timezone: string;
  ringTimeoutS: number;
  wrapUpLimitS: number;
  callsMode: "top" | "total";
  categories: string[];
  results: string[];
  quietStart: string;
  quietEnd: string;
  callbackWindowMin: number;
  maxAttempts: number;
  sessionIdleH: number;
  sessionMaxDays: number;
  wallboard: WallboardSettings;
  retention: Retention;
  mall: MallView | null;
  messaging: MessagingView;
}

type Form = Record<string, string>;

function toForm(s: Settings): Form {
  return {
    name: s.name,
    timezone: s.timezone,
    ringTimeoutS: String(s.ringTimeoutS),
    wrapUpLimitS: String(s.wrapUpLimitS),
    callsMode: s.callsMode,
    categories: s.categories.join("\n"),
    results: s.results.join("\n"),
    quietStart: s.quietStart,
    quietEnd: s.quietEnd,
    callbackWindowMin: String(s.callbackWindowMin),
    maxAttempts: String(s.maxAttempts),
    sessionIdleH: String(s.sessionIdleH),
    sessionMaxDays: String(s.sessionMaxDays),
    ...Object.fromEntries(WB_KEYS.map((k) => [`wb.${k}`, String(s.wallboard[k])])),
    ...Object.fromEntries(RET_KEYS.map((k) => [`ret.${k}`, s.retention[k] === null ? "" : String(s.retention[k])])),
  };
}

/** The wallboard's colour thresholds, edited as `wb.<key>` and sent as one `wallboard` object. */
const WB_KEYS = ["answerRateGreen", "answerRateYellow", "waitingWarn", "longestWaitWarnS", "auxWarnMin"] as const;

/** 보존 기간, edited as `ret.<key>` (empty: kept) and sent as one `retention` object. */
const RET_KEYS = ["notesDays", "callsDays", "messagesDays"] as const;

const NUMBERS = ["ringTimeoutS", "wrapUpLimitS", "callbackWindowMin", "maxAttempts", "sessionIdleH", "sessionMaxDays"];
const LISTS = ["categories", "results"];

export function SettingsSection() {
  const t = useT();
  const [loaded, setLoaded] = useState<Settings | null>(null);
  const [form, setForm] = useState<Form>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    api<Settings>("GET", "/api/admin/settings").then(
      (s) => {
        setLoaded(s);
        setForm(toForm(s));
      },
      (e) => notify("error", (e as Error).message),
    );
  }, [generation]);
  if (!loaded) return <p className="empty">…</p>;
  const initial = toForm(loaded);
  const set = (k: string) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) => setForm((f) => ({ ...f, [k]: e.target.value }));

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body: Record<string, unknown> = {};
    if (WB_KEYS.some((k) => form[`wb.${k}`] !== initial[`wb.${k}`])) {
      body.wallboard = Object.fromEntries(WB_KEYS.map((k) => [k, Number(form[`wb.${k}`])]));
    }
    if (RET_KEYS.some((k) => form[`ret.${k}`] !== initial[`ret.${k}`])) {
      body.retention = Object.fromEntries(RET_KEYS.map((k) => [k, form[`ret.${k}`].trim() === "" ? null : Number(form[`ret.${k}`])]));
    }
    for (const [k, v] of Object.entries(form)) {
      if (v === initial[k] || k.startsWith("wb.") || k.startsWith("ret.")) continue;
      body[k] = NUMBERS.includes(k) ? (v.trim() === "" ? null : Number(v)) : LISTS.includes(k) ? v.split("\n").map((x) => x.trim()).filter(Boolean) : v;
    }
    if (Object.keys(body).length === 0) {
      notify("info", t("nothingChanged"));
      return;
    }
    setBusy(true);
    try {
      const s = await api<Settings>("PUT", "/api/admin/settings", body);
      setLoaded(s);
      setForm(toForm(s));
      setErrors({});
      notify("info", t("settingsSaved"));
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  }

  const input = (k: string, label: string, hint?: string) => (
    <Field label={label} error={errors[k]} hint={hint}>
      <input value={form[k] ?? ""} onChange={set(k)} data-testid={`s-${k}`} />
    </Field>
  );
  return (
    <>
    <form className="settings-form" onSubmit={save} aria-label={t("admin_settings")} data-testid="admin-settings">
      <div className="admin-toolbar">
        <h2>{t("admin_settings")}</h2>
        <button className="btn primary" disabled={busy} data-testid="settings-save">
          {t("save")}
        </button>
      </div>
      <fieldset>
        <legend>{t("setBrand")}</legend>
        <div className="form-grid">
          {input("name", t("brandName"))}
          {input("timezone", t("timezone"), "Asia/Seoul")}
          <Field label={t("callsModeLabel")} error={errors.callsMode}>
            <select value={form.callsMode} onChange={set("callsMode")} data-testid="s-callsMode">
              <option value="top">{t("topCalls")}</option>
              <option value="total">{t("totalCalls")}</option>
            </select>
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("setCalls")}</legend>
        <div className="form-grid">
          {input("ringTimeoutS", `${t("ringTimeout")} (${t("secondsUnit")})`, "5–120")}
          {input("wrapUpLimitS", `${t("wrapUpLimit")} (${t("secondsUnit")})`, t("zeroIsNone"))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("setNote")}</legend>
        <div className="form-grid">
          <Field label={t("category")} error={errors.categories} hint={t("onePerLine")}>
            <textarea value={form.categories} onChange={set("categories")} rows={7} data-testid="s-categories" />
          </Field>
          <Field label={t("result")} error={errors.results} hint={t("onePerLine")}>
            <textarea value={form.results} onChange={set("results")} rows={7} data-testid="s-results" />
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("setResv")}</legend>
        <div className="form-grid">
          {input("quietStart", t("quietStart"), "HH:MM")}
          {input("quietEnd", t("quietEnd"), "HH:MM")}
          {input("callbackWindowMin", t("callbackWindow"))}
          {input("maxAttempts", t("maxAttemptsLabel"))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("setWallboard")}</legend>
        <div className="form-grid">
          {input("wb.answerRateGreen", `${t("answerRate")} ${t("greenFrom")} (%)`)}
          {input("wb.answerRateYellow", `${t("answerRate")} ${t("yellowFrom")} (%)`)}
          {input("wb.waitingWarn", t("waitingWarn"))}
          {input("wb.longestWaitWarnS", `${t("longestWaitWarn")} (${t("secondsUnit")})`)}
          {input("wb.auxWarnMin", t("auxWarnMin"))}
        </div>
        {errors.wallboard && <p className="field-error">{errors.wallboard}</p>}
      </fieldset>
      <fieldset>
        <legend>{t("setSessions")}</legend>
        <div className="form-grid">
          {input("sessionIdleH", t("sessionIdle"))}
          {input("sessionMaxDays", t("sessionMax"))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t("setRetention")}</legend>
        <div className="form-grid">
          {input("ret.notesDays", t("retNotes"), t("retHint"))}
          {input("ret.callsDays", t("retCalls"), t("retHint"))}
          {input("ret.messagesDays", t("retMessages"), t("retHint"))}
        </div>
        <p className="muted small-note">{t("retExplain")}</p>
        {errors.retention && <p className="field-error">{errors.retention}</p>}
      </fieldset>
      {errors.body && <p className="field-error">{errors.body}</p>}
    </form>
    <h3 className="links-title">{t("setLinks")}</h3>
    <LinksSection key={generation} mall={loaded.mall} messaging={loaded.messaging} onSaved={() => setGeneration((g) => g + 1)} />
    </>
  );
}
