// 내 계정: the signed-in person's own password (current + new; their other sessions end) and
// their signed-in sessions — where and when — with sign-out of one or all of the others.

import { useCallback, useEffect, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { clockTime, dateOfDay } from "../format";
import { useEscape } from "../hooks";
import { useT } from "../i18n";
import { Field, fieldErrors } from "../admin/shared";

interface SessionRow {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string | null;
  client: string | null;
}

/** "Chrome · Windows" from a User-Agent, enough to tell one's devices apart. */
function device(ua: string | null): string {
  if (!ua) return "—";
  const browser = /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Firefox\//.test(ua) ? "Firefox" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} · ${os}` : browser;
}

export function AccountDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  useEscape(onClose);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [sessions, setSessions] = useState<SessionRow[]>([]);

  const reload = useCallback(async () => {
    try {
      setSessions((await api<{ items: SessionRow[] }>("GET", "/api/me/sessions")).items);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);

  async function changePassword(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api<{ sessionsEnded: number }>("POST", "/api/me/password", { current, new: next });
      setCurrent("");
      setNext("");
      setErrors({});
      notify("info", t("passwordChanged").replace("{n}", String(r.sessionsEnded)));
      void reload();
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  }

  async function end(id: string | null) {
    try {
      await api("DELETE", id ? `/api/me/sessions/${id}` : "/api/me/sessions");
      void reload();
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }

  const when = (iso: string | null) => (iso ? `${dateOfDay(iso)} ${clockTime(iso)}` : "—");
  const others = sessions.filter((s) => !s.current).length;
  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal admin-form" role="dialog" aria-modal="true" aria-label={t("myAccount")} data-testid="account-dialog">
        <h3>{t("myAccount")}</h3>
        <form onSubmit={changePassword} className="account-pw">
          <h4 className="sub">{t("changePassword")}</h4>
          <div className="form-grid">
            <Field label={t("currentPassword")} error={errors.current}>
              <input type="password" value={current} onChange={(e) => setCurrent(e.target.value)} autoComplete="current-password" data-testid="acc-current" />
            </Field>
            <Field label={t("newPassword")} error={errors.new} hint={t("passwordRules")}>
              <input type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" data-testid="acc-new" />
            </Field>
          </div>
          <button className="btn primary" disabled={busy || !current || !next} data-testid="acc-change">
            {t("changePassword")}
          </button>
        </form>
        <h4 className="sub">
          {t("mySessions")} ({sessions.length})
        </h4>
        <table className="grid" data-testid="acc-sessions">
          <thead>
            <tr>
              <th>{t("deviceLabel")}</th>
              <th>{t("signedInAt")}</th>
              <th>{t("lastUsed")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>{device(s.client)}</td>
                <td className="nowrap">{when(s.createdAt)}</td>
                <td className="nowrap">{when(s.lastSeenAt)}</td>
                <td>
                  {s.current ? (
                    <span className="muted">{t("thisSession")}</span>
                  ) : (
                    <button className="btn small-btn" onClick={() => void end(s.id)} data-testid="acc-end">
                      {t("signOutThat")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <div className="row2">
          <button className="btn" disabled={others === 0} onClick={() => void end(null)} data-testid="acc-end-others">
            {t("signOutOthers")}
          </button>
          <button className="btn" onClick={onClose}>
            {t("close")}
          </button>
        </div>
      </div>
    </div>
  );
}
