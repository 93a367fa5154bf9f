// 브랜드 (operators only): the brands on this server, and a new brand with its first manager —
// started at once; the manager signs in and sets it up.

import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { useT } from "../i18n";
import { Field, FormModal, useSubmit } from "./shared";

interface BrandRow {
  id: number;
  name: string;
  timezone: string;
  people: number;
}

export function BrandsSection() {
  const t = useT();
  const [items, setItems] = useState<BrandRow[]>([]);
  const [adding, setAdding] = useState(false);
  const reload = useCallback(async () => {
    try {
      setItems((await api<{ items: BrandRow[] }>("GET", "/api/admin/brands")).items);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return (
    <section aria-label={t("admin_brands")}>
      <div className="admin-toolbar">
        <h2>{t("admin_brands")}</h2>
        <button className="btn primary" onClick={() => setAdding(true)} data-testid="admin-brand-new">
          + {t("newBrand")}
        </button>
      </div>
      <table className="grid admin-table" data-testid="admin-brands">
        <thead>
          <tr>
            <th>ID</th>
            <th>{t("brandName")}</th>
            <th>{t("timezone")}</th>
            <th>{t("peopleActive")}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((b) => (
            <tr key={b.id}>
              <td>{b.id}</td>
              <td>{b.name}</td>
              <td>{b.timezone}</td>
              <td>{b.people}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {adding && <BrandForm onClose={() => setAdding(false)} onSaved={() => void reload()} />}
    </section>
  );
}

function BrandForm({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [timezone, setTimezone] = useState("Asia/Seoul");
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const { busy, errors, run } = useSubmit();
  const submit = () =>
    run(async () => {
      await api("POST", "/api/admin/brands", { name, timezone, login, password });
      notify("info", t("brandCreated").replace("{name}", name).replace("{login}", login));
      onSaved();
      onClose();
    });
  return (
    <FormModal title={t("newBrand")} testid="admin-brand-form" busy={busy} submitLabel={t("save")} cancelLabel={t("cancel")} onSubmit={() => void submit()} onClose={onClose}>
      <div className="form-grid">
        <Field label={t("brandName")} error={errors.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="b-name" />
        </Field>
        <Field label={t("timezone")} error={errors.timezone}>
          <input value={timezone} onChange={(e) => setTimezone(e.target.value)} data-testid="b-timezone" />
        </Field>
        <Field label={t("firstManagerLogin")} error={errors.login} hint={t("loginHint")}>
          <input value={login} onChange={(e) => setLogin(e.target.value)} data-testid="b-login" autoComplete="off" />
        </Field>
        <Field label={t("firstPassword")} error={errors.password} hint={t("passwordRules")}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="b-password" autoComplete="new-password" />
        </Field>
      </div>
    </FormModal>
  );
}
