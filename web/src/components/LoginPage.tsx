// The login page: id and password; errors in Korean (English on the switch); why the last
// session ended, when it was ended for the person (deactivated, password changed, …).

import { useState } from "react";
import { SIGNED_OUT_KEY } from "../actions";
import { api, ApiError, setToken } from "../api";
import { setLang, useLang, useT } from "../i18n";

export function LoginPage({ onLoggedIn }: { onLoggedIn: (token: string) => void }) {
  const t = useT();
  const lang = useLang();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [endedWhy] = useState<string | null>(() => {
    try {
      const r = sessionStorage.getItem(SIGNED_OUT_KEY);
      sessionStorage.removeItem(SIGNED_OUT_KEY);
      return r;
    } catch {
      return null;
    }
  });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ token: string }>("POST", "/api/login", { login, password });
      setToken(r.token);
      onLoggedIn(r.token);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-page">
      <form className="login-box" onSubmit={submit}>
        <h1>{t("loginTitle")}</h1>
        {endedWhy && (
          <p className="login-notice" role="status" data-testid="signed-out-reason">
            {endedWhy}
          </p>
        )}
        <label>
          {t("loginId")}
          <input data-testid="login-id" autoFocus value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="username" />
        </label>
        <label>
          {t("password")}
          <input data-testid="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        {error && (
          <p className="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button data-testid="login-submit" className="btn primary" disabled={busy || !login || !password}>
          {t("login")}
        </button>
        <button type="button" className="link" onClick={() => setLang(lang === "ko" ? "en" : "ko")}>
          {t("language")}
        </button>
      </form>
    </div>
  );
}
