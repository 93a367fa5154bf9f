// 상담 검색: a manager searches the brand's consultations of any days — by date range, agent,
// service, 상담유형, 처리결과, channel, customer number and words of the note — newest first, a
// page at a time (`/api/consultations/search`, through the store's posting lists); and downloads
// everything the same filters find as CSV or Excel (`/api/consultations/export`).

import { useEffect, useState, type FormEvent } from "react";
import { api, download } from "../api";
import { notify } from "../actions";
import { clockTime, dateOfDay, displayPhone, mmss } from "../format";
import { useT } from "../i18n";
import type { Person } from "./AgentsSection";
import { ChoiceSelect } from "../components/ChoiceSelect";

const CHANNELS = [
  { value: "IN", label: "IN" },
  { value: "OUT", label: "OUT" },
];

interface Hit {
  ticketId: string;
  channel: "IN" | "OUT";
  serviceName: string;
  number: string;
  agentName: string | null;
  startedAt: string;
  talkS: number;
  category: string | null;
  result: string | null;
  customerName: string | null;
  content: string;
}

interface Page {
  items: Hit[];
  next: string | null;
  partial: boolean;
}

const day = (msAgo: number) => dateOfDay(new Date(Date.now() - msAgo).toISOString());

export function ConsultationsSection() {
  const t = useT();
  const [f, setF] = useState({ from: day(6 * 86_400_000), to: day(0), agentId: "", service: "", category: "", result: "", channel: "", number: "", q: "" });
  const [people, setPeople] = useState<Person[]>([]);
  const [services, setServices] = useState<{ code: string; name: string }[]>([]);
  const [lists, setLists] = useState<{ categories: string[]; results: string[] }>({ categories: [], results: [] });
  const [hits, setHits] = useState<Hit[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [partial, setPartial] = useState(false);
  const [searched, setSearched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [exporting, setExporting] = useState(false);
  useEffect(() => {
    api<{ items: Person[] }>("GET", "/api/admin/agents?limit=1000").then((r) => setPeople(r.items), () => {});
    api<{ items: { code: string; name: string }[] }>("GET", "/api/admin/services").then((r) => setServices(r.items), () => {});
    api<{ categories: string[]; results: string[] }>("GET", "/api/admin/settings").then((s) => setLists(s), () => {});
  }, []);

  /** The form's filters as a query (empty ones left out). */
  function filters(): URLSearchParams {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v.trim()) p.set(k, v.trim());
    return p;
  }

  async function run(before: string | null) {
    const p = filters();
    if (before) p.set("before", before);
    setBusy(true);
    try {
      const r = await api<Page>("GET", `/api/consultations/search?${p.toString()}`);
      setHits((h) => (before ? [...h, ...r.items] : r.items));
      setNext(r.next);
      setPartial(r.partial);
      setSearched(true);
    } catch (e) {
      notify("error", (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  /** Every consultation the filters find, as a file (streamed by the server, masked as I see them). */
  async function exportAs(format: "csv" | "xlsx") {
    const p = filters();
    p.set("format", format);
    setExporting(true);
    try {
      await download(`/api/consultations/export?${p.toString()}`, `calldesk-consultations-${f.from}-${f.to}.${format}`);
    } catch (e) {
      notify("error", (e as Error).message);
    } finally {
      setExporting(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(null);
  }

  const set = (k: keyof typeof f) => (v: string) => setF({ ...f, [k]: v });
  const input = (k: keyof typeof f) => (e: { target: { value: string } }) => set(k)(e.target.value);
  return (
    <section aria-label={t("admin_consultations")}>
      <form className="admin-toolbar cs-form" onSubmit={submit} data-testid="cs-form">
        <h2>{t("admin_consultations")}</h2>
        <input type="date" value={f.from} onChange={input("from")} aria-label={t("fromDate")} data-testid="cs-from" />
        <input type="date" value={f.to} onChange={input("to")} aria-label={t("toDate")} data-testid="cs-to" />
        <ChoiceSelect value={f.agentId} onChange={set("agentId")} label={t("person")} testid="cs-agent" all={t("everyone")} choices={people.map((p) => ({ value: p.id, label: p.name }))} />
        <ChoiceSelect value={f.service} onChange={set("service")} label={t("servicesLabel")} testid="cs-service" all={t("allServices")} choices={services.map((s) => ({ value: s.code, label: s.name }))} />
        <ChoiceSelect value={f.category} onChange={set("category")} label={t("category")} testid="cs-category" all={`${t("category")}: ${t("all")}`} choices={lists.categories.map((c) => ({ value: c, label: c }))} />
        <ChoiceSelect value={f.result} onChange={set("result")} label={t("result")} testid="cs-result" all={`${t("result")}: ${t("all")}`} choices={lists.results.map((c) => ({ value: c, label: c }))} />
        <ChoiceSelect value={f.channel} onChange={set("channel")} label={t("channel")} testid="cs-channel" all="IN/OUT" choices={CHANNELS} />
        <input value={f.number} onChange={input("number")} placeholder={t("customerNumber")} aria-label={t("customerNumber")} inputMode="tel" data-testid="cs-number" />
        <input value={f.q} onChange={input("q")} placeholder={t("noteWords")} aria-label={t("noteWords")} data-testid="cs-q" />
        <button className="btn primary" type="submit" disabled={busy} data-testid="cs-search">
          {t("doSearch")}
        </button>
        <span className="toolbar-gap" />
        <button className="btn" type="button" disabled={exporting} onClick={() => void exportAs("csv")} title={t("exportHint")} data-testid="cs-export-csv">
          {exporting ? t("exporting") : "CSV"}
        </button>
        <button className="btn" type="button" disabled={exporting} onClick={() => void exportAs("xlsx")} title={t("exportHint")} data-testid="cs-export-xlsx">
          {t("downloadExcel")}
        </button>
      </form>
      {searched && hits.length === 0 && !partial && <p className="empty">{t("noConsultationsFound")}</p>}
      {hits.length > 0 && (
        <table className="grid admin-table cs-results" data-testid="cs-results">
          <thead>
            <tr>
              <th>{t("time")}</th>
              <th>{t("ticket")}</th>
              <th>{t("person")}</th>
              <th>{t("servicesLabel")}</th>
              <th>{t("customer")}</th>
              <th>{t("category")}</th>
              <th>{t("result")}</th>
              <th className="num">{t("talk")}</th>
              <th>{t("note")}</th>
            </tr>
          </thead>
          <tbody>
            {hits.map((h) => (
              <tr key={h.ticketId} data-testid={`cs-hit-${h.ticketId}`}>
                <td className="nowrap">
                  {dateOfDay(h.startedAt)} {clockTime(h.startedAt)}
                </td>
                <td className="nowrap num">
                  {h.ticketId} <span className="muted small">{h.channel}</span>
                </td>
                <td className="nowrap">{h.agentName ?? "—"}</td>
                <td className="nowrap">{h.serviceName}</td>
                <td className="nowrap">
                  {h.customerName ?? ""} <span className="muted">{displayPhone(h.number)}</span>
                </td>
                <td>{h.category ?? "—"}</td>
                <td>{h.result ?? "—"}</td>
                <td className="num">{mmss(h.talkS)}</td>
                <td className="cs-note" title={h.content}>
                  {h.content}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {partial && <p className="warn">{t("searchPartial")}</p>}
      {next && (
        <button className="btn" disabled={busy} onClick={() => void run(next)} data-testid="cs-more">
          {partial ? t("searchOn") : t("moreResults")}
        </button>
      )}
    </section>
  );
}
