// A confirmation for risky one-click actions (블랙리스트 등록 / 해제 …): says what will happen, asks
// for the reason that goes into the record, and does nothing until confirmed.

import { useState } from "react";
import { useEscape } from "../hooks";
import { useT } from "../i18n";

export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  /** Ask for a reason (required when set). */
  reasonLabel?: string;
  danger?: boolean;
  onConfirm: (reason: string) => Promise<boolean>;
  onClose: () => void;
}) {
  const t = useT();
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  useEscape(props.onClose);
  const needsReason = props.reasonLabel !== undefined;
  async function confirm(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    const ok = await props.onConfirm(reason.trim());
    setBusy(false);
    if (ok) props.onClose();
  }
  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <form className="modal small confirm" role="alertdialog" aria-modal="true" aria-label={props.title} onSubmit={confirm} data-testid="confirm-dialog">
        <h3>{props.title}</h3>
        <p>{props.body}</p>
        {needsReason && (
          <label>
            {props.reasonLabel}
            <textarea value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} autoFocus data-testid="confirm-reason" />
          </label>
        )}
        <div className="row2">
          <button type="button" className="btn" onClick={props.onClose}>
            {t("cancel")}
          </button>
          <button className={`btn ${props.danger ? "danger-solid" : "primary"}`} disabled={busy || (needsReason && !reason.trim())} data-testid="confirm-ok">
            {props.confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
