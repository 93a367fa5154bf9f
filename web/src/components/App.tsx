// Chooses the page by path: `/login` (or no token) the login page, `/` the desk, `/admin` the
// admin console and `/wallboard` the floor's wallboard (managers); any other path a not-found page rather than the desk under a wrong
// address.

import { useState } from "react";
import { getToken } from "../api";
import { useT } from "../i18n";
import { AdminPage } from "../admin/AdminPage";
import { WallboardPage } from "../wallboard/WallboardPage";
import { Desk } from "./Desk";
import { LoginPage } from "./LoginPage";

/** Paths the app serves; everything else is not found. */
const KNOWN = ["/", "/login", "/admin", "/wallboard"];

export function App() {
  const [token, setTokenState] = useState<string | null>(() => getToken());
  const path = location.pathname.replace(/\/+$/, "") || "/";
  if (!KNOWN.includes(path)) return <NotFound />;
  const atLogin = path === "/login";
  const loggedOut = () => {
    history.replaceState(null, "", "/login");
    setTokenState(null);
  };
  if (!token || atLogin) {
    return (
      <LoginPage
        onLoggedIn={(t) => {
          // Signed in from /admin or /wallboard: back there; otherwise the desk.
          if (path !== "/admin" && path !== "/wallboard") history.replaceState(null, "", "/");
          setTokenState(t);
        }}
      />
    );
  }
  if (path === "/admin") return <AdminPage onLoggedOut={loggedOut} />;
  if (path === "/wallboard") return <WallboardPage onLoggedOut={loggedOut} />;
  return (
    <Desk onLoggedOut={loggedOut} />
  );
}

function NotFound() {
  const t = useT();
  return (
    <main className="login-page" data-testid="not-found">
      <div className="login-box">
        <h1>{t("notFound")}</h1>
        <p className="muted">
          <code>{location.pathname}</code>
        </p>
        <p>{t("notFoundBody")}</p>
        <a className="btn primary" href="/">
          {t("backToDesk")}
        </a>
      </div>
    </main>
  );
}
