// Chooses the page: the login page without a token (or at /login), otherwise the desk.

import { useState } from "react";
import { getToken } from "../api";
import { Desk } from "./Desk";
import { LoginPage } from "./LoginPage";

export function App() {
  const [token, setTokenState] = useState<string | null>(() => getToken());
  const atLogin = location.pathname === "/login";
  if (!token || atLogin) {
    return (
      <LoginPage
        onLoggedIn={(t) => {
          history.replaceState(null, "", "/");
          setTokenState(t);
        }}
      />
    );
  }
  return (
    <Desk
      onLoggedOut={() => {
        history.replaceState(null, "", "/login");
        setTokenState(null);
      }}
    />
  );
}
