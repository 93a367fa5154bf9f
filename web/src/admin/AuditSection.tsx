// 감사 로그: who changed what, when — by date range, person and kind; CSV download for Excel.

import { useCallback, useEffect, useState } from "react";
import { api, download } from "../api";
import { notify } from "../actions";
import { clockTime, dateOfDay } from "../format";
import { useT } from "../i18n";
import type { Person } from "./AgentsSection";
import { ChoiceSelect } from "../components/ChoiceSelect";

interface Entry {
  at: string | null;
  by: number | null;
  byName: string | null;
  action: string;
  detail: Record<string, unknown>;
}

const KINDS = ["agent", "service", "brand", "login", "password", "consultation", "customer", "reservation", "message", "template"];

export function AuditSection() {
  const t = useT();
  const today = dateOfDay(new Date().toISOString());
  const weekAgo = dateOfDay(new Date(Date.now() - 6 * 86_400_000).toISOString());
  const [from, setFrom] = useState(weekAgo);
  const [to, setTo] = useState(today);
  const [actor, setActor] = useState("");
  const [kind, setKind] = useState("");
  const [items, setItems] = useState<Entry[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [people, setPeople] = useState<Person[]>([]);
  const query = `from=${from}&to=${to}${actor ? `&actor=${actor}` : ""}${kind ? `&kind=${kind}` : ""}`;
  const reload = useCallback(async () => {
    try {
      const r = await api<{ items: Entry[]; truncated: boolean }>("GET", `/api/admin/audit?${query}`);
      setItems([...r.items].reverse());
      setTruncated(r.truncated);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }, [query]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useEffect(() => {
    api<{ items: Person[] }>("GET", "/api/admin/agents?limit=1000").then(
      (r) => setPeople(r.items),
      () => {},
    );
  }, []);

  async function downloadCsv() {
    try {
      await download(`/api/admin/audit?${query}&format=csv`, `audit-${from}-${to}.csv`);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }


  return (
    <section aria-label={t("admin_audit")}>
      <div className="admin-toolbar">
        <h2>{t("admin_audit")}</h2>
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label={t("fromDate")} data-testid="audit-from" />
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label={t("toDate")} data-testid="audit-to" />
        <ChoiceSelect value={actor} onChange={setActor} label={t("person")} testid="audit-actor" all={t("everyone")} choices={people.map((p) => ({ value: p.id, label: p.name }))} />
        <ChoiceSelect value={kind} onChange={setKind} label={t("kind")} testid="audit-kind" all={t("allKinds")} choices={KINDS.map((k) => ({ value: k, label: k }))} />
        <button className="btn" onClick={() => void downloadCsv()} data-testid="audit-csv">
          CSV
        </button>
      </div>
      {truncated && <p className="warn">{t("auditTruncated")}</p>}
      {items.length === 0 ? (
        <p className="empty">{t("noAudit")}</p>
      ) : (
        <table className="grid admin-table" data-testid="audit-list">
          <thead>
            <tr>
              <th>{t("time")}</th>
              <th>{t("person")}</th>
              <th>{t("kind")}</th>
              <th>{t("detailLabel")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e, i) => (
              <tr key={i}>
                <td className="nowrap">{e.at ? `${dateOfDay(e.at)} ${clockTime(e.at)}` : "—"}</td>
                <td className="nowrap">{e.byName ?? (e.by === null ? "—" : `#${e.by}`)}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td className="detail">{JSON.stringify(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
