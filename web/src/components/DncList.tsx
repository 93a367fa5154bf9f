// 수신거부 목록 (do-not-call), managers only: the brand's numbers every outbound dial refuses,
// with the reason, when and by whom; add one with a reason, or take one off.

import { useEffect, useState } from "react";
import { api, ApiError } from "../api";
import { notify } from "../actions";
import { displayPhone, formatAsTyped } from "../format";
import { useT } from "../i18n";

interface DncEntry {
  number: string;
  reason: string;
  at: string;
  by: number;
  byName?: string;
}

export function DncList() {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<DncEntry[]>([]);
  const [number, setNumber] = useState("");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});

  const load = () =>
    api<{ items: DncEntry[] }>("GET", "/api/dnc").then(
      (r) => setItems(r.items),
      (e) => notify("error", (e as Error).message),
    );
  useEffect(() => {
    void load();
  }, []);

  async function add(e: React.FormEvent) {
    e.preventDefault();
    try {
      await api("POST", "/api/dnc", { number, reason });
      setNumber("");
      setReason("");
      setErrors({});
      void load();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
      else notify("error", (err as Error).message);
    }
  }

  async function remove(n: string) {
    try {
      await api("DELETE", `/api/dnc/${encodeURIComponent(n)}`);
      void load();
    } catch (err) {
      notify("error", (err as Error).message);
    }
  }

  return (
    <div className="dnc" data-testid="dnc">
      <button type="button" className="btn small-btn" onClick={() => setOpen((o) => !o)} data-testid="dnc-toggle">
        {t("dncTitle")} ({items.length}) {open ? "▴" : "▾"}
      </button>
      {open && (
        <>
          <form className="row2 dnc-form" onSubmit={add}>
            <input value={number} onChange={(e) => setNumber(formatAsTyped(e.target.value))} placeholder={t("number")} data-testid="dnc-number" />
            <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t("dncReason")} data-testid="dnc-reason" maxLength={200} />
            <button className="btn" data-testid="dnc-add" style={{ flex: "0 0 auto" }}>
              {t("dncAdd")}
            </button>
          </form>
          {(errors.number || errors.reason) && <span className="field-error">{errors.number ?? errors.reason}</span>}
          {items.length === 0 ? (
            <p className="empty small">{t("dncEmpty")}</p>
          ) : (
            <table className="grid" data-testid="dnc-list">
              <tbody>
                {items.map((d) => (
                  <tr key={d.number}>
                    <td>
                      <span className="nowrap">{displayPhone(d.number)}</span>
                      <div className="small">{d.reason}</div>
                    </td>
                    <td className="muted small nowrap">
                      {new Date(d.at).toLocaleDateString("ko-KR", { timeZone: "Asia/Seoul" })}
                      <div>{d.byName ?? d.by}</div>
                    </td>
                    <td>
                      <button className="btn small-btn" onClick={() => void remove(d.number)} aria-label={t("delete")}>
                        {t("delete")}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </div>
  );
}
