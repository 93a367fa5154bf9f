// Pieces the admin sections share: a labelled field with its error, a modal form shell, and
// turning a refused request into per-field messages.

import { useEscape } from "../hooks";
import { ApiError } from "../api";
import { notify } from "../actions";

/** Per-field messages of a refused form, or a notice for anything else. */
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
