// 대량 예약 등록 (F-BULK), managers only: choose a CSV / .xlsx file, pick the agents to deal
// rows to, see the row-by-row preview (errors before anything is saved), then import with a
// progress bar. The server reads the file and does not keep it.

import { useState } from "react";
import { notify } from "../actions";
import { displayPhone } from "../format";
import { useT } from "../i18n";
import { useAgentDirectory } from "../hooks";
import { sendFile, type RowError } from "../upload";
import { RowErrors } from "./RowErrors";

interface Preview {
  encoding: string;
  rows: number;
  valid: number;
  repaired: number;
  /** Every row error; `errors` lists the first ones (the server caps the list). */
  errorCount: number;
  errors: RowError[];
  sample: { line: number; number: string; name: string | null; scheduledAt: string }[];
}

export function BulkUpload() {
  const t = useT();
  // Who is signed in now: the rows without a named agent are dealt to the ones chosen.
  const agents = useAgentDirectory({ state: "signed_in" });
  const [file, setFile] = useState<File | null>(null);
  const [chosen, setChosen] = useState<number[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [progress, setProgress] = useState<number | null>(null);

  const query = (extra: string) => `${extra}${chosen.length ? `&agents=${chosen.join(",")}` : ""}`;

  async function run(previewOnly: boolean) {
    if (!file) return;
    setProgress(0);
    try {
      const r = await sendFile("/api/reservations/import", file, query(previewOnly ? "preview=true" : "skipInvalid=true"), setProgress);
      const err = (r.body as { error?: { message: string } })?.error;
      if (r.status >= 400) notify("error", err?.message ?? `HTTP ${r.status}`);
      else if (previewOnly) setPreview(r.body as Preview);
      else {
        const b = r.body as { imported: number; skipped: number };
        notify("info", `${b.imported}건 등록 · ${b.skipped}건 제외`);
        setPreview(null);
        setFile(null);
      }
    } catch (e) {
      notify("error", (e as Error).message);
    } finally {
      setProgress(null);
    }
  }

  return (
    <div className="bulk" data-testid="bulk">
      <h3 className="sub">{t("bulkTitle")}</h3>
      <input
        type="file"
        accept=".csv,.xlsx,.txt"
        data-testid="bulk-file"
        onChange={(e) => {
          setFile(e.target.files?.[0] ?? null);
          setPreview(null);
        }}
      />
      <div className="chips">
        {agents.map((a) => (
            <label key={a.agentId} className={`chip ${chosen.includes(a.agentId) ? "on" : ""}`}>
              <input
                type="checkbox"
                hidden
                checked={chosen.includes(a.agentId)}
                onChange={() => setChosen((c) => (c.includes(a.agentId) ? c.filter((x) => x !== a.agentId) : [...c, a.agentId]))}
              />
              {a.name}
            </label>
          ))}
      </div>
      <div className="row2">
        <button className="btn" disabled={!file || progress !== null} onClick={() => void run(true)} data-testid="bulk-preview">
          {t("bulkPreview")}
        </button>
        <button className="btn primary" disabled={!preview || preview.valid === 0 || progress !== null} onClick={() => void run(false)} data-testid="bulk-import">
          {t("bulkImport")}
        </button>
      </div>
      {progress !== null && (
        <div className="progress" data-testid="bulk-progress">
          <div style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      )}
      {preview && (
        <div data-testid="bulk-result">
          <p>
            {preview.rows}행 · 정상 <strong>{preview.valid}</strong> · 오류 <strong className={preview.errorCount ? "warn" : ""}>{preview.errorCount}</strong>
            {preview.repaired > 0 && ` · 번호 보정 ${preview.repaired}`} · {preview.encoding}
          </p>
          <RowErrors errors={preview.errors} total={preview.errorCount} />
          <table className="grid">
            <tbody>
              {preview.sample.slice(0, 5).map((r) => (
                <tr key={r.line}>
                  <td className="num">{r.line}행</td>
                  <td>{displayPhone(r.number)}</td>
                  <td>{r.name}</td>
                  <td className="nowrap">
                    {new Date(r.scheduledAt).toLocaleString("ko-KR", {
                      timeZone: "Asia/Seoul",
                      year: "numeric",
                      month: "2-digit",
                      day: "2-digit",
                      hour: "2-digit",
                      minute: "2-digit",
                      hour12: false,
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
