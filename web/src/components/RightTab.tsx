// 우측 정보탭: the menu bar. 고객정보 (F-CUSTOMER, opens by itself when a call rings), 주문정보
// (F-ORDERS, only for brands with a linked mall), 상담정보 (Q&A templates, F-TEMPLATES; Alt+T)
// 상담현황 (my consultations: today live, any earlier day on request; searchable; F-MY-CONS) and
// 예약현황 (my reservations, F-MY-RESV).

import { useEffect, useState } from "react";
import { api, ApiError } from "../api";
import { deskStore } from "../desk";
import { dateOfDay, displayPhone, mmss, timeOfDay } from "../format";
import { useLang, useT } from "../i18n";
import type { Consultation } from "../generated/Consultation";
import { useStore } from "../store";
import { CustomerPanel } from "./CustomerPanel";
import { OutcomeMark } from "./OutcomeMark";
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

/** One row of 상담 현황: today's live list and other days' fetched list share this shape. */
interface ConsRow {
  ticketId: string;
  channel: string;
  number: string;
  customerName: string | null;
  serviceName: string;
  startedAt: string;
  talkS: number;
  outcome: string;
  category: string | null;
  result: string | null;
}

function MyConsultations({ onOpenConsultation }: { onOpenConsultation: (ticket: string) => void }) {
  const t = useT();
  const lang = useLang();
  const live = useStore(deskStore, (s) => s.consultations);
  const liveCounts = useStore(deskStore, (s) => s.consCounts);
  const today = dateOfDay(new Date(Date.now() + deskStore.get().clockOffsetMs).toISOString());
  const [date, setDate] = useState(today);
  const [q, setQ] = useState("");
  const [other, setOther] = useState<{ date: string; items: ConsRow[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const isToday = date === today || !date;

  useEffect(() => {
    if (isToday) return;
    let alive = true;
    api<{ items: (Consultation & { customerName: string | null })[] }>("GET", `/api/consultations?date=${date}`).then(
      (r) => {
        if (!alive) return;
        setError(null);
        setOther({
          date,
          items: r.items.map((c) => ({ ...c, startedAt: c.answeredAt ?? c.arrivedAt })),
        });
      },
      (e) => alive && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      alive = false;
    };
  }, [date, isToday]);

  const rows: ConsRow[] = isToday
    ? live.map((c) => ({ ...c, customerName: c.customerName ?? null }))
    : other?.date === date
      ? other.items
      : [];
  const needle = q.trim().toLowerCase();
  const digits = needle.replace(/\D/g, "");
  const shown = needle
    ? rows.filter(
        (c) =>
          (digits.length >= 3 && c.number.includes(digits)) ||
          [c.customerName, c.category, c.result, c.serviceName, c.ticketId].some((x) => x?.toLowerCase().includes(needle)),
      )
    : rows;
  const counts = isToday
    ? liveCounts
    : { total: rows.length, inCount: rows.filter((c) => c.channel === "IN").length, outCount: rows.filter((c) => c.channel === "OUT").length };
  return (
    <>
      <div className="counts">
        <span>
          {t("consSummary")} <strong data-testid="mycons-total">{counts.total}</strong>
        </span>
        <span className="ch ch-IN">IN {counts.inCount}</span>
        <span className="ch ch-OUT">OUT {counts.outCount}</span>
      </div>
      <div className="filters">
        <input type="date" value={date} max={today} onChange={(e) => setDate(e.target.value || today)} aria-label={t("date")} data-testid="mycons-date" />
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t("consSearch")} aria-label={t("consSearch")} data-testid="mycons-search" />
      </div>
      {error && <p className="login-error">{error}</p>}
      {shown.length === 0 ? (
        <p className="empty">{needle ? t("noResults") : t("noCons")}</p>
      ) : (
        <table className="grid" data-testid="mycons-list">
          <thead>
            <tr>
              <th>{t("time")}</th>
              <th>{t("customer")}</th>
              <th>
                {t("category")} · {t("result")}
              </th>
              <th className="num">{t("talk")}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.ticketId} className="clickable" onClick={() => onOpenConsultation(c.ticketId)} data-ticket={c.ticketId}>
                <td className="nowrap">
                  {timeOfDay(c.startedAt, lang)}
                  <div>
                    <span className={`ch ch-${c.channel}`}>{c.channel}</span>
                  </div>
                </td>
                <td>
                  {c.customerName ?? <span className="muted">{t("unregistered")}</span>}
                  <div className="muted small">{displayPhone(c.number)}</div>
                </td>
                <td>
                  <OutcomeMark outcome={c.outcome} /> {c.category ?? "—"}
                  <div className="muted small">
                    {c.result ?? "—"} · {c.serviceName}
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
