// 상담사: the brand's people — search, create (login, name, extension, role, services, first
// password), add many from a file (PeopleImport), edit, password reset, deactivate / reactivate
// (confirmed; a person on a call is signed out when it ends). An operator's (운영자) row offers
// its changes to operators only.

import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { statusLabel, useLang, useT } from "../i18n";
import type { AgentPublic } from "../generated/AgentPublic";
import { Field, FieldGroup, fieldErrors, FormModal, roleLabel, useSubmit } from "./shared";
import { PeopleImport } from "./PeopleImport";

export interface Person {
  id: number;
  login: string;
  name: string;
  extension: string;
  role: "agent" | "manager" | "admin";
  services: string[];
  fullView: boolean;
  active: boolean;
  status: string;
}

interface ServiceRow {
  code: string;
  name: string;
}

export function AgentsSection({ me }: { me: AgentPublic }) {
  const t = useT();
  const lang = useLang();
  const [q, setQ] = useState("");
  const [people, setPeople] = useState<Person[]>([]);
  const [total, setTotal] = useState(0);
  const [services, setServices] = useState<ServiceRow[]>([]);
  const [editing, setEditing] = useState<Person | "new" | null>(null);
  const [resetting, setResetting] = useState<Person | null>(null);
  const [toggling, setToggling] = useState<Person | null>(null);
  const [importing, setImporting] = useState(false);
  // Only an operator changes an operator's account (the server refuses a manager).
  const operator = me.role === "admin";

  const reload = useCallback(async () => {
    try {
      const r = await api<{ items: Person[]; total: number }>("GET", `/api/admin/agents?q=${encodeURIComponent(q.trim())}&limit=500`);
      setPeople(r.items);
      setTotal(r.total);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }, [q]);

  useEffect(() => {
    const timer = setTimeout(() => void reload(), 200);
    return () => clearTimeout(timer);
  }, [reload]);
  useEffect(() => {
    api<{ items: ServiceRow[] }>("GET", "/api/admin/services").then(
      (r) => setServices(r.items),
      () => {},
    );
  }, []);

  const svcName = (code: string) => services.find((s) => s.code === code)?.name ?? code;

  async function setActive(p: Person): Promise<boolean> {
    try {
      const r = await api<Person & { afterCurrentCall?: boolean }>("POST", `/api/admin/agents/${p.id}/${p.active ? "deactivate" : "activate"}`, {});
      notify("info", p.active ? (r.afterCurrentCall ? t("deactivatedAfterCall") : t("deactivatedNow")) : t("reactivated"));
      void reload();
      return true;
    } catch (e) {
      notify("error", (e as Error).message);
      return false;
    }
  }

  return (
    <section aria-label={t("admin_agents")}>
      <div className="admin-toolbar">
        <h2>
          {t("admin_agents")} <span className="muted">({total})</span>
        </h2>
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t("agentSearch")} aria-label={t("agentSearch")} data-testid="admin-agent-search" />
        <button className="btn" onClick={() => setImporting(true)} data-testid="admin-agent-import">
          {t("peopleImport")}
        </button>
        <button className="btn primary" onClick={() => setEditing("new")} data-testid="admin-agent-new">
          + {t("newAgent")}
        </button>
      </div>
      <table className="grid admin-table" data-testid="admin-agents">
        <thead>
          <tr>
            <th>{t("name")}</th>
            <th>{t("loginId")}</th>
            <th>{t("extension")}</th>
            <th>{t("role")}</th>
            <th>{t("servicesLabel")}</th>
            <th>{t("state")}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {people.map((p) => (
            <tr key={p.id} data-person={p.login} className={p.active ? undefined : "inactive"}>
              <td>
                {p.name}
                {!p.active && <span className="outcome"> {t("inactive")}</span>}
              </td>
              <td>{p.login}</td>
              <td>{p.extension}</td>
              <td>{roleLabel(t, p.role)}</td>
              <td>{p.services.map(svcName).join(", ") || "—"}</td>
              <td>
                <span className={`badge sm st-${p.status}`}>{statusLabel(lang, p.status)}</span>
              </td>
              {p.role === "admin" && !operator ? (
                <td className="row-buttons muted small" data-testid="admin-agent-operator">
                  {t("operatorsOnly")}
                </td>
              ) : (
                <td className="row-buttons">
                  <button className="btn small-btn" onClick={() => setEditing(p)} data-testid="admin-agent-edit">
                    {t("edit")}
                  </button>
                  <button className="btn small-btn" onClick={() => setResetting(p)}>
                    {t("resetPassword")}
                  </button>
                  {p.id !== me.id && (
                    <button className={`btn small-btn ${p.active ? "danger" : ""}`} onClick={() => setToggling(p)} data-testid="admin-agent-toggle">
                      {p.active ? t("deactivate") : t("activate")}
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <PersonForm person={editing === "new" ? null : editing} operator={operator} services={services} onClose={() => setEditing(null)} onSaved={() => void reload()} />}
      {importing && <PeopleImport svcName={svcName} onClose={() => setImporting(false)} onDone={() => void reload()} />}
      {resetting && <ResetPassword person={resetting} onClose={() => setResetting(null)} />}
      {toggling && (
        <ConfirmDialog
          title={toggling.active ? t("deactivate") : t("activate")}
          body={(toggling.active ? t("deactivateBody") : t("activateBody")).replace("{name}", toggling.name)}
          confirmLabel={toggling.active ? t("deactivate") : t("activate")}
          danger={toggling.active}
          onConfirm={() => setActive(toggling)}
          onClose={() => setToggling(null)}
        />
      )}
    </section>
  );
}

function PersonForm({
  person,
  operator,
  services,
  onClose,
  onSaved,
}: {
  person: Person | null;
  operator: boolean;
  services: ServiceRow[];
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const [login, setLogin] = useState(person?.login ?? "");
  const [name, setName] = useState(person?.name ?? "");
  const [extension, setExtension] = useState(person?.extension ?? "");
  const [role, setRole] = useState<string>(person?.role ?? "agent");
  const [chosen, setChosen] = useState<string[]>(person?.services ?? []);
  const [fullView, setFullView] = useState(person?.fullView ?? false);
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit() {
    setBusy(true);
    try {
      const body = { name, extension, role, services: chosen, fullView };
      if (person) await api("PUT", `/api/admin/agents/${person.id}`, body);
      else await api("POST", "/api/admin/agents", { ...body, login, password });
      notify("info", `${t("saved")} · ${name}`);
      onSaved();
      onClose();
    } catch (e) {
      setErrors(fieldErrors(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormModal
      title={person ? `${t("edit")} · ${person.name}` : t("newAgent")}
      testid="admin-agent-form"
      busy={busy}
      submitLabel={t("save")}
      cancelLabel={t("cancel")}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <div className="form-grid">
        <Field label={t("loginId")} error={errors.login} hint={person ? undefined : t("loginHint")}>
          <input value={login} onChange={(e) => setLogin(e.target.value)} disabled={!!person} data-testid="f-login" autoComplete="off" />
        </Field>
        <Field label={t("name")} error={errors.name}>
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="f-name" />
        </Field>
        <Field label={t("extension")} error={errors.extension}>
          <input value={extension} onChange={(e) => setExtension(e.target.value)} data-testid="f-extension" />
        </Field>
        <Field label={t("role")} error={errors.role}>
          <select value={role} onChange={(e) => setRole(e.target.value)} data-testid="f-role">
            <option value="agent">{t("roleAgent")}</option>
            <option value="manager">{t("roleManager")}</option>
            {(operator || role === "admin") && <option value="admin">{t("roleAdmin")}</option>}
          </select>
        </Field>
      </div>
      <FieldGroup label={t("servicesLabel")} error={errors.services}>
        <div className="checks" data-testid="f-services">
          {services.map((s) => (
            <label key={s.code} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(s.code)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, s.code] : c.filter((x) => x !== s.code)))}
              />
              {s.name}
            </label>
          ))}
        </div>
      </FieldGroup>
      {role !== "agent" && (
        <label className="check">
          <input type="checkbox" checked={fullView} onChange={(e) => setFullView(e.target.checked)} />
          {t("fullViewLabel")}
        </label>
      )}
      {!person && (
        <Field label={t("firstPassword")} error={errors.password} hint={t("passwordRules")}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="f-password" autoComplete="new-password" />
        </Field>
      )}
    </FormModal>
  );
}

function ResetPassword({ person, onClose }: { person: Person; onClose: () => void }) {
  const t = useT();
  const [password, setPassword] = useState("");
  const { busy, errors, run } = useSubmit();
  const submit = () =>
    run(async () => {
      await api("POST", `/api/admin/agents/${person.id}/password`, { password });
      notify("info", t("passwordResetDone").replace("{name}", person.name));
      onClose();
    });
  return (
    <FormModal title={`${t("resetPassword")} · ${person.name}`} testid="admin-reset" busy={busy} submitLabel={t("resetPassword")} cancelLabel={t("cancel")} onSubmit={() => void submit()} onClose={onClose}>
      <p className="muted">{t("resetPasswordBody")}</p>
      <Field label={t("newPassword")} error={errors.password} hint={t("passwordRules")}>
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" data-testid="f-reset-password" />
      </Field>
    </FormModal>
  );
}
