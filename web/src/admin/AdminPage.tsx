// /admin: the admin console for managers — 상담사 (people), 서비스 (phone lines), 브랜드 설정,
// 상담 검색 and 감사 로그; operators (admin role) also 브랜드 (new brands) — on the `/api/admin/…` routes. Every change takes effect in the running center at
// once. Agents who open the address get a page saying it is for managers (the routes answer 403).

import { useState } from "react";
import { Notices } from "../components/Notices";
import { useT, type LabelKey } from "../i18n";
import { ManagersOnly, useMe } from "./shared";
import { AgentsSection } from "./AgentsSection";
import { AuditSection } from "./AuditSection";
import { BrandsSection } from "./BrandsSection";
import { ConsultationsSection } from "./ConsultationsSection";
import { ServicesSection } from "./ServicesSection";
import { SettingsSection } from "./SettingsSection";

type Section = "agents" | "services" | "settings" | "consultations" | "audit" | "brands";
const SECTIONS: Section[] = ["agents", "services", "settings", "consultations", "audit", "brands"];

export function AdminPage({ onLoggedOut }: { onLoggedOut: () => void }) {
  const t = useT();
  const { me, error } = useMe(onLoggedOut);
  const [section, setSection] = useState<Section>(() => {
    const h = location.hash.replace("#", "") as Section;
    return SECTIONS.includes(h) ? h : "agents";
  });

  function go(s: Section) {
    history.replaceState(null, "", `/admin#${s}`);
    setSection(s);
  }

  if (error) return <p className="login-error">{error}</p>;
  if (!me) return <div className="desk-loading">…</div>;
  if (me.role === "agent") return <ManagersOnly testid="admin-forbidden" title={t("adminOnly")} />;
  return (
    <div className="admin">
      <header className="header">
        <div className="hdr-group">
          <span className="brand">{t("adminTitle")}</span>
          <span className="me">
            <strong>{me.name}</strong>
          </span>
        </div>
        <div className="hdr-group hdr-right">
          <a className="btn" href="/wallboard" data-testid="admin-to-wallboard">
            {t("wallboard")}
          </a>
          <a className="btn" href="/" data-testid="admin-to-desk">
            ← {t("appName")}
          </a>
        </div>
      </header>
      <div className="admin-body">
        <nav className="admin-nav" aria-label={t("adminTitle")}>
          {SECTIONS.filter((s) => s !== "brands" || me.role === "admin").map((s) => (
            <button key={s} className={`admin-tab ${section === s ? "active" : ""}`} aria-current={section === s ? "page" : undefined} onClick={() => go(s)} data-testid={`admin-nav-${s}`}>
              {t(`admin_${s}` as LabelKey)}
            </button>
          ))}
          <p className="muted small-note admin-hint">{t("adminTemplatesHint")}</p>
        </nav>
        <main className="admin-main">
          {section === "agents" && <AgentsSection me={me} />}
          {section === "services" && <ServicesSection />}
          {section === "settings" && <SettingsSection />}
          {section === "consultations" && <ConsultationsSection />}
          {section === "audit" && <AuditSection />}
          {section === "brands" && me.role === "admin" && <BrandsSection />}
        </main>
      </div>
      <Notices />
    </div>
  );
}
