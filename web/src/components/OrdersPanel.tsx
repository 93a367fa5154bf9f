// 주문정보 (F-ORDERS): shown only for brands with a linked mall. The caller's recent orders load
// by phone when a call is up; any order can be looked up by number. A mall that does not answer
// gives a clear message after at most 3 s.

import { useEffect, useState } from "react";
import { api, ApiError } from "../api";
import { deskStore } from "../desk";
import { displayPhone } from "../format";
import { useT } from "../i18n";
import { useStore } from "../store";
import type { Order } from "../generated/Order";

export function OrdersPanel() {
  const t = useT();
  const phone = useStore(deskStore, (s) => s.call?.from ?? null);
  const [no, setNo] = useState("");
  const [orders, setOrders] = useState<Order[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  async function load(path: string, one: boolean) {
    setLoading(true);
    setError(null);
    try {
      if (one) setOrders([await api<Order>("GET", path)]);
      else setOrders((await api<{ items: Order[] }>("GET", path)).items);
    } catch (e) {
      setOrders([]);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    if (phone) void load(`/api/orders?phone=${encodeURIComponent(phone)}`, false);
  }, [phone]);

  return (
    <div className="orders" data-testid="orders-panel">
      <form
        className="row2"
        onSubmit={(e) => {
          e.preventDefault();
          if (no.trim()) void load(`/api/orders/${encodeURIComponent(no.trim())}`, true);
        }}
      >
        <input data-testid="order-no" value={no} onChange={(e) => setNo(e.target.value)} placeholder={t("orderNo")} />
        <button className="btn" style={{ flex: "0 0 auto" }} data-testid="order-search">
          {t("lookup")}
        </button>
      </form>
      {phone && !no && <p className="muted small">{t("recentOrders")} · {displayPhone(phone)}</p>}
      {loading && <p className="muted">…</p>}
      {error && (
        <p className="warn" data-testid="orders-error">
          {error}
        </p>
      )}
      {!loading && !error && orders.length === 0 && <p className="empty">{t("noOrders")}</p>}
      {orders.map((o) => (
        <div key={o.orderNo} className="order" data-testid="order-card">
          <div className="order-head">
            <strong>{o.orderNo}</strong>
            <span className={`ostat os-${o.status}`} data-testid="order-status">
              {o.statusLabel}
            </span>
          </div>
          <div className="muted small">
            {o.orderedAt.slice(0, 16).replace("T", " ")} · {o.customerName} · {o.paymentMethod}
          </div>
          <ul className="items">
            {o.items.map((it, i) => (
              <li key={i}>
                {it.name}
                {it.option ? <span className="muted"> ({it.option})</span> : null} × {it.quantity}
                <span className="num"> {(it.price * it.quantity).toLocaleString("ko-KR")}원</span>
              </li>
            ))}
          </ul>
          <div className="order-foot">
            <span>
              {t("amount")} <strong>{o.totalAmount.toLocaleString("ko-KR")}원</strong>
            </span>
            {o.trackingNo && (
              <span data-testid="order-tracking">
                {o.shippingCompany} {o.trackingNo}
              </span>
            )}
          </div>
        </div>
      ))}
    </div>
  );
}
