// Pieces the admin console and the wallboard share: a person's role in words, a labelled field
// with its error, a modal
// form shell, a form's submit (busy, per-field messages of a refusal), who is signed in, and
// the page an agent gets on a managers' address.

import { useEffect, useState } from "react";
import { useEscape } from "../hooks";
import { api, ApiError, setToken } from "../api";
import { notify } from "../actions";
import { useT } from "../i18n";
import type { AgentPublic } from "../generated/AgentPublic";

/** Per-field messages of a refused form, or a notice for anything else. */
/** A person's role in words: 상담사 / 매니저 / 운영자. */
export function roleLabel(t: ReturnType<typeof useT>, role: string): string {
  return role === "agent" ? t("roleAgent") : role === "admin" ? t("roleAdmin") : t("roleManager");
}

export function fieldErrors(e: unknown): Record<string, string> {
  if (e instanceof ApiError && Object.keys(e.fields).length > 0) return e.fields;
  notify("error", e instanceof Error ? e.message : String(e));
  return {};
}

export function Field({ label, error, children, hint }: { label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <label className={`field ${error ? "has-error" : ""}`}>
      <span>{label}</span>
      {children}
      {hint && !error && <span className="muted small-note">{hint}</span>}
      {error && <span className="field-error">{error}</span>}
    </label>
  );
}

/** A labelled group of controls (checkboxes): a group, not a label, so each box keeps its own. */
export function FieldGroup({ label, error, children }: { label: string; error?: string; children: React.ReactNode }) {
  return (
    <div className={`field ${error ? "has-error" : ""}`} role="group" aria-label={label}>
      <span>{label}</span>
      {children}
      {error && <span className="field-error">{error}</span>}
    </div>
  );
}

export function FormModal(props: {
  title: string;
  testid: string;
  busy: boolean;
  submitLabel: string;
  cancelLabel: string;
  onSubmit: () => void;
  onClose: () => void;
  children: React.ReactNode;
}) {
  useEscape(props.onClose);
  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <form
        className="modal admin-form"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid={props.testid}
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <h3>{props.title}</h3>
        {props.children}
        <div className="row2">
          <button type="button" className="btn" onClick={props.onClose}>
            {props.cancelLabel}
          </button>
          <button className="btn primary" disabled={props.busy} data-testid={`${props.testid}-submit`}>
            {props.submitLabel}
          </button>
        </div>
      </form>
    </div>
  );
}

/** A form's submit: `busy` while it runs; a refusal becomes per-field `errors`. */
export function useSubmit(): { busy: boolean; errors: Record<string, string>; run: (send: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function run(send: () => Promise<void>) {
    setBusy(true);
    try {
      await send();
    } catch (e) {
      setErrors(fieldErrors(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, errors, run };
}

/** Who is signed in (`/api/me`); a dead session goes back to the login page. */
export function useMe(onLoggedOut: () => void): { me: AgentPublic | null; error: string | null } {
  const [me, setMe] = useState<AgentPublic | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<{ agent: AgentPublic }>("GET", "/api/me").then(
      (r) => setMe(r.agent),
      (e) => {
        if (e instanceof ApiError && e.status === 401) {
          setToken(null);
          onLoggedOut();
        } else setError(e instanceof Error ? e.message : String(e));
      },
    );
  }, [onLoggedOut]);
  return { me, error };
}

/** The page an agent gets on a managers' address (the routes answer 403 anyway). */
export function ManagersOnly({ testid, title }: { testid: string; title: string }) {
  const t = useT();
  return (
    <main className="login-page" data-testid={testid}>
      <div className="login-box">
        <h1>{title}</h1>
        <p>{t("adminOnlyBody")}</p>
        <a className="btn primary" href="/">
          {t("backToDesk")}
        </a>
      </div>
    </main>
  );
}
