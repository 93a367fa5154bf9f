// 서비스: the brand's phone lines — code (the PBX's key), name, ring timeout and wrap-up limit
// (the brand's unless set), service-level threshold, and who serves it. A new service takes
// calls at once.

import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { useT } from "../i18n";
import type { Person } from "./AgentsSection";
import { Field, FieldGroup, fieldErrors, FormModal } from "./shared";

interface Svc {
  code: string;
  name: string;
  ringTimeoutS: number | null;
  wrapUpLimitS: number | null;
  serviceLevelS: number;
  shortAbandonS: number;
  slTargetPct: number;
  agents: { id: number; name: string; active: boolean }[];
}

export function ServicesSection() {
  const t = useT();
  const [items, setItems] = useState<Svc[]>([]);
  const [editing, setEditing] = useState<Svc | "new" | null>(null);
  const reload = useCallback(async () => {
    try {
      setItems((await api<{ items: Svc[] }>("GET", "/api/admin/services")).items);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const secs = (v: number | null) => (v === null ? t("brandDefault") : `${v}${t("secondsUnit")}`);
  return (
    <section aria-label={t("admin_services")}>
      <div className="admin-toolbar">
        <h2>{t("admin_services")}</h2>
        <button className="btn primary" onClick={() => setEditing("new")} data-testid="admin-service-new">
          + {t("newService")}
        </button>
      </div>
      <table className="grid admin-table" data-testid="admin-services">
        <thead>
          <tr>
            <th>{t("serviceCode")}</th>
            <th>{t("name")}</th>
            <th>{t("ringTimeout")}</th>
            <th>{t("wrapUpLimit")}</th>
            <th>{t("serviceLevelThreshold")}</th>
            <th>{t("servingAgents")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.code} data-service={s.code}>
              <td>
                <code>{s.code}</code>
              </td>
              <td>{s.name}</td>
              <td>{secs(s.ringTimeoutS)}</td>
              <td>{secs(s.wrapUpLimitS)}</td>
              <td>
                {s.serviceLevelS}
                {t("secondsUnit")}
              </td>
              <td>
                {s.agents.filter((a) => a.active).length}
                {t("peopleUnit")}
              </td>
              <td>
                <button className="btn small-btn" onClick={() => setEditing(s)}>
                  {t("edit")}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <ServiceForm svc={editing === "new" ? null : editing} onClose={() => setEditing(null)} onSaved={() => void reload()} />}
    </section>
  );
}

function ServiceForm({ svc, onClose, onSaved }: { svc: Svc | null; onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [code, setCode] = useState(svc?.code ?? "");
  const [name, setName] = useState(svc?.name ?? "");
  const [ring, setRing] = useState(svc?.ringTimeoutS?.toString() ?? "");
  const [wrap, setWrap] = useState(svc?.wrapUpLimitS?.toString() ?? "");
  const [sl, setSl] = useState((svc?.serviceLevelS ?? 20).toString());
  const [shortAb, setShortAb] = useState((svc?.shortAbandonS ?? 5).toString());
  const [target, setTarget] = useState((svc?.slTargetPct ?? 80).toString());
  const [people, setPeople] = useState<Person[]>([]);
  const [chosen, setChosen] = useState<number[]>(svc?.agents.map((a) => a.id) ?? []);
  const [filter, setFilter] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<{ items: Person[] }>("GET", "/api/admin/agents?limit=1000").then(
      (r) => setPeople(r.items.filter((p) => p.active)),
      () => {},
    );
  }, []);
  const num = (v: string) => (v.trim() === "" ? null : Number(v));
  async function submit() {
    setBusy(true);
    const body = { name, ringTimeoutS: num(ring), wrapUpLimitS: num(wrap), serviceLevelS: num(sl), shortAbandonS: num(shortAb), slTargetPct: num(target), agents: chosen };
    try {
      if (svc) await api("PUT", `/api/admin/services/${encodeURIComponent(svc.code)}`, body);
      else await api("POST", "/api/admin/services", { code, ...body });
      notify("info", `${t("saved")} · ${name}`);
      onSaved();
      onClose();
    } catch (e) {
      setErrors(fieldErrors(e));
    } finally {
      setBusy(false);
    }
  }
  const shown = people.filter((p) => !filter || p.name.includes(filter) || p.login.includes(filter));
  return (
    <FormModal title={svc ? `${t("edit")} · ${svc.name}` : t("newService")} testid="admin-service-form" busy={busy} submitLabel={t("save")} cancelLabel={t("cancel")} onSubmit={() => void submit()} onClose={onClose}>
      <div className="form-grid">
        <Field label={t("serviceCode")} error={errors.code} hint={svc ? t("codeFixed") : t("codeHint")}>
          <input value={code} onChange={(e) => setCode(e.target.value)} disabled={!!svc} data-testid="f-code" />
        </Field>
        <Field label={t("name")} error={errors.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="f-service-name" />
        </Field>
        <Field label={`${t("ringTimeout")} (${t("secondsUnit")})`} error={errors.ringTimeoutS} hint={t("emptyIsBrand")}>
          <input inputMode="numeric" value={ring} onChange={(e) => setRing(e.target.value)} data-testid="f-ring" />
        </Field>
        <Field label={`${t("wrapUpLimit")} (${t("secondsUnit")})`} error={errors.wrapUpLimitS} hint={t("emptyIsBrand")}>
          <input inputMode="numeric" value={wrap} onChange={(e) => setWrap(e.target.value)} data-testid="f-wrap" />
        </Field>
        <Field label={`${t("serviceLevelThreshold")} (${t("secondsUnit")})`} error={errors.serviceLevelS}>
          <input inputMode="numeric" value={sl} onChange={(e) => setSl(e.target.value)} data-testid="f-sl" />
        </Field>
        <Field label={`${t("slTarget")} (%)`} error={errors.slTargetPct}>
          <input inputMode="numeric" value={target} onChange={(e) => setTarget(e.target.value)} data-testid="f-sl-target" />
        </Field>
        <Field label={`${t("shortAbandonThreshold")} (${t("secondsUnit")})`} error={errors.shortAbandonS} hint={t("shortAbandonHint")}>
          <input inputMode="numeric" value={shortAb} onChange={(e) => setShortAb(e.target.value)} data-testid="f-short-abandon" />
        </Field>
      </div>
      <FieldGroup label={`${t("servingAgents")} (${chosen.length})`} error={errors.agents}>
        <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder={t("agentSearch")} aria-label={t("agentSearch")} />
        <div className="checks scroll" data-testid="f-service-agents">
          {shown.map((p) => (
            <label key={p.id} className="check">
              <input type="checkbox" checked={chosen.includes(p.id)} onChange={(e) => setChosen((c) => (e.target.checked ? [...c, p.id] : c.filter((x) => x !== p.id)))} />
              {p.name} <span className="muted">{p.login}</span>
            </label>
          ))}
        </div>
      </FieldGroup>
    </FormModal>
  );
}
