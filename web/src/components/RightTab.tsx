// 우측 정보탭: the menu bar. 고객정보 (F-CUSTOMER, opens by itself when a call rings), 주문정보
// (F-ORDERS, only for brands with a linked mall), 상담정보 (Q&A templates, F-TEMPLATES; Alt+T)
// 상담현황 (my consultations today, F-MY-CONS) and 예약현황 (my reservations, F-MY-RESV).

import { useEffect, useState } from "react";
import { deskStore } from "../desk";
import { displayPhone, mmss, timeOfDay } from "../format";
import { useLang, useT } from "../i18n";
import { useStore } from "../store";
import { CustomerPanel } from "./CustomerPanel";
import { OrdersPanel } from "./OrdersPanel";
import { MyReservations } from "./Reservations";
import { TemplatesPanel } from "./TemplatesPanel";

type Menu = "customer" | "orders" | "templates" | "mycons" | "resv";

export function RightTab({ onOpenConsultation }: { onOpenConsultation: (ticket: string) => void }) {
  const t = useT();
  const [menu, setMenu] = useState<Menu>("customer");
  const ticket = useStore(deskStore, (s) => s.call?.ticketId ?? null);
  const hasMall = useStore(deskStore, (s) => s.brand?.hasMall ?? false);

  // A new call brings the caller's record to the front.
  useEffect(() => {
    if (ticket) setMenu("customer");
  }, [ticket]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.code === "KeyT") {
        e.preventDefault();
        setMenu("templates");
        setTimeout(() => document.dispatchEvent(new CustomEvent("calldesk:focus-templates")), 0);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  return (
    <aside className="right">
      <nav className="tabs">
        <button className={`tab ${menu === "customer" ? "active" : ""}`} onClick={() => setMenu("customer")} data-testid="menu-customer">
          {t("customerInfo")}
        </button>
        {hasMall && (
          <button className={`tab ${menu === "orders" ? "active" : ""}`} onClick={() => setMenu("orders")} data-testid="menu-orders">
            {t("orders")}
          </button>
        )}
        <button className={`tab ${menu === "templates" ? "active" : ""}`} onClick={() => setMenu("templates")} data-testid="menu-templates" title="Alt+T">
          {t("templates")}
        </button>
        <button className={`tab ${menu === "mycons" ? "active" : ""}`} onClick={() => setMenu("mycons")} data-testid="menu-mycons">
          {t("myCons")}
        </button>
        <button className={`tab ${menu === "resv" ? "active" : ""}`} onClick={() => setMenu("resv")} data-testid="menu-resv">
          {t("myResv")}
        </button>
      </nav>
      <section className="panel grow">
        {menu === "customer" && <CustomerPanel onOpenConsultation={onOpenConsultation} />}
        {menu === "orders" && hasMall && <OrdersPanel />}
        {menu === "templates" && <TemplatesPanel />}
        {menu === "mycons" && <MyConsultations onOpenConsultation={onOpenConsultation} />}
        {menu === "resv" && <MyReservations />}
      </section>
    </aside>
  );
}

function MyConsultations({ onOpenConsultation }: { onOpenConsultation: (ticket: string) => void }) {
  const t = useT();
  const lang = useLang();
  const items = useStore(deskStore, (s) => s.consultations);
  const counts = useStore(deskStore, (s) => s.consCounts);
  return (
    <>
      <div className="counts">
        <span>
          {t("consSummary")} <strong data-testid="mycons-total">{counts.total}</strong>
        </span>
        <span className="ch ch-IN">IN {counts.inCount}</span>
        <span className="ch ch-OUT">OUT {counts.outCount}</span>
      </div>
      {items.length === 0 ? (
        <p className="empty">{t("noCons")}</p>
      ) : (
        <table className="grid" data-testid="mycons-list">
          <thead>
            <tr>
              <th>{t("time")}</th>
              <th>{t("channel")}</th>
              <th>{t("number")}</th>
              <th className="num">{t("talk")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.ticketId} className="clickable" onClick={() => onOpenConsultation(c.ticketId)} data-ticket={c.ticketId}>
                <td>{timeOfDay(c.startedAt, lang)}</td>
                <td>
                  <span className={`ch ch-${c.channel}`}>{c.channel}</span>
                </td>
                <td>
                  {displayPhone(c.number)}
                  <div className="muted small">
                    {c.serviceName}
                    {c.category ? ` · ${c.category}` : ""}
                    {c.result ? ` · ${c.result}` : ""}
                  </div>
                </td>
                <td className="num">{mmss(c.talkS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
