// 일일 보고서: a day's report by service or by agent, downloaded as Excel (.xlsx) or CSV from
// `GET /api/reports/daily` (the same definitions as the wallboard's tiles).

import { useState } from "react";
import { download } from "../api";
import { notify } from "../actions";
import { Field, FormModal } from "../admin/shared";
import { useT } from "../i18n";

export function ReportDialog({ today, onClose }: { today: string; onClose: () => void }) {
  const t = useT();
  const [date, setDate] = useState(today);
  const [by, setBy] = useState<"service" | "agent">("service");
  const [busy, setBusy] = useState(false);

  async function downloadAs(format: "xlsx" | "csv") {
    setBusy(true);
    try {
      await download(`/api/reports/daily?date=${date}&by=${by}&format=${format}`, `calldesk-${by}-${date}.${format}`);
    } catch (e) {
      notify("error", (e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <FormModal title={t("dailyReport")} testid="wb-report-dialog" busy={busy} submitLabel={t("downloadExcel")} cancelLabel={t("close")} onSubmit={() => void downloadAs("xlsx")} onClose={onClose}>
      <Field label={t("date")}>
        <input type="date" value={date} max={today} onChange={(e) => setDate(e.target.value)} data-testid="wb-report-date" />
      </Field>
      <Field label={t("reportBy")}>
        <select value={by} onChange={(e) => setBy(e.target.value as "service" | "agent")} data-testid="wb-report-by">
          <option value="service">{t("byService")}</option>
          <option value="agent">{t("byAgent")}</option>
        </select>
      </Field>
      <button type="button" className="btn" disabled={busy} onClick={() => void downloadAs("csv")} data-testid="wb-report-csv">
        CSV
      </button>
    </FormModal>
  );
}
