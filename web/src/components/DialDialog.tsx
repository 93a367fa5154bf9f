// 전화하기: a popup to type a number (formatted as typed) and place an outbound call.

import { useState } from "react";
import { dial } from "../actions";
import { formatAsTyped, normalizePhone } from "../format";
import { useT } from "../i18n";
import { useEscape } from "../hooks";

export function DialDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  useEscape(onClose);
  const [number, setNumber] = useState("");
  const valid = normalizePhone(number) !== null;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!valid) return;
    const r = await dial(number);
    if (r) onClose();
  }

  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form className="modal small" onSubmit={submit} role="dialog" aria-modal="true" aria-label={t("dialTitle")}>
        <h3>{t("dialTitle")}</h3>
        <label>
          {t("dialNumber")}
          <input
            data-testid="dial-number"
            autoFocus
            inputMode="tel"
            value={number}
            onChange={(e) => setNumber(formatAsTyped(e.target.value))}
            placeholder="010-0000-0000"
          />
        </label>
        <div className="row2">
          <button type="button" className="btn" onClick={onClose}>
            {t("cancel")}
          </button>
          <button data-testid="dial-submit" className="btn primary" disabled={!valid}>
            {t("call")}
          </button>
        </div>
      </form>
    </div>
  );
}
