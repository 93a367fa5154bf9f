// 상담사 일괄 등록: a people file (CSV / .xlsx; 로그인, 이름, 내선번호, 역할, 서비스, 비밀번호) is
// previewed row by row — nothing is created until the manager has seen every error — then the
// good rows are created at once. Passwords the file left out are generated and shown once, with
// a CSV to hand them out.

import { useState } from "react";
import { notify } from "../actions";
import { useEscape } from "../hooks";
import { useT } from "../i18n";
import { RowErrors } from "../components/RowErrors";
import { saveCsv, sendFile, type RowError } from "../upload";
import { roleLabel } from "./shared";

interface Preview {
  encoding: string;
  rows: number;
  valid: number;
  generated: number;
  errorCount: number;
  errors: RowError[];
  sample: { line: number; login: string; name: string; extension: string; role: string; services: string[]; passwordGenerated: boolean }[];
}

interface Created {
  created: number;
  skipped: number;
  agents: { id: number; login: string; name: string; line: number; password: string | null }[];
}

const TEMPLATE = [
  ["로그인", "이름", "내선번호", "역할", "서비스", "비밀번호"],
  ["agent101", "김하늘", "2101", "상담사", "main;order", ""],
  ["lead01", "이바다", "2102", "매니저", "main", ""],
];

export function PeopleImport({ svcName, onClose, onDone }: { svcName: (code: string) => string; onClose: () => void; onDone: () => void }) {
  const t = useT();
  useEscape(onClose);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [created, setCreated] = useState<Created | null>(null);
  const [progress, setProgress] = useState<number | null>(null);

  async function run(previewOnly: boolean) {
    if (!file) return;
    setProgress(0);
    try {
      const r = await sendFile("/api/admin/agents/import", file, previewOnly ? "preview=true" : "skipInvalid=true", setProgress);
      const err = (r.body as { error?: { message: string } })?.error;
      if (r.status >= 400) notify("error", err?.message ?? `HTTP ${r.status}`);
      else if (previewOnly) setPreview(r.body as Preview);
      else {
        const c = r.body as Created;
        setCreated(c);
        setPreview(null);
        notify("info", t("peopleCreated").replace("{n}", String(c.created)));
        onDone();
      }
    } catch (e) {
      notify("error", (e as Error).message);
    } finally {
      setProgress(null);
    }
  }

  const withPasswords = created?.agents.filter((a) => a.password) ?? [];

  return (
    <div className="modal-back" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="modal admin-form wide" role="dialog" aria-modal="true" aria-label={t("peopleImport")} data-testid="people-import">
        <h3>{t("peopleImport")}</h3>
        {!created && (
          <>
            <p className="muted small-note">{t("peopleImportHint")}</p>
            <div className="file-row">
              <input
                type="file"
                accept=".csv,.xlsx,.txt"
                aria-label={t("chooseFile")}
                data-testid="people-file"
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setPreview(null);
                }}
              />
              <button type="button" className="btn" onClick={() => saveCsv("상담사-일괄등록-양식.csv", TEMPLATE)}>
                {t("downloadTemplate")}
              </button>
            </div>
            {progress !== null && (
              <div className="progress">
                <div style={{ width: `${Math.round(progress * 100)}%` }} />
              </div>
            )}
            {preview && (
              <div data-testid="people-preview">
                <p>
                  {t("previewCounts")
                    .replace("{rows}", String(preview.rows))
                    .replace("{valid}", String(preview.valid))
                    .replace("{errors}", String(preview.errorCount))}
                  {preview.generated > 0 && ` · ${t("passwordsToGenerate").replace("{n}", String(preview.generated))}`} · {preview.encoding}
                </p>
                <RowErrors errors={preview.errors} total={preview.errorCount} />
                {preview.sample.length > 0 && (
                  <table className="grid">
                    <thead>
                      <tr>
                        <th>{t("rowN").replace("{n}", "")}</th>
                        <th>{t("loginId")}</th>
                        <th>{t("name")}</th>
                        <th>{t("extension")}</th>
                        <th>{t("role")}</th>
                        <th>{t("servicesLabel")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.sample.slice(0, 10).map((r) => (
                        <tr key={r.line}>
                          <td className="num">{r.line}</td>
                          <td>{r.login}</td>
                          <td>{r.name}</td>
                          <td>{r.extension}</td>
                          <td>{roleLabel(t, r.role)}</td>
                          <td>{r.services.map(svcName).join(", ") || "—"}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            )}
          </>
        )}
        {created && (
          <div data-testid="people-created">
            <p>
              <strong>{t("peopleCreated").replace("{n}", String(created.created))}</strong>
              {created.skipped > 0 && ` · ${t("rowsSkipped").replace("{n}", String(created.skipped))}`}
            </p>
            {withPasswords.length > 0 && (
              <>
                <p className="warn">{t("generatedOnce")}</p>
                <table className="grid" data-testid="people-passwords">
                  <thead>
                    <tr>
                      <th>{t("loginId")}</th>
                      <th>{t("name")}</th>
                      <th>{t("firstPassword")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {withPasswords.slice(0, 50).map((a) => (
                      <tr key={a.id}>
                        <td>{a.login}</td>
                        <td>{a.name}</td>
                        <td className="mono">{a.password}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <button
                  type="button"
                  className="btn"
                  onClick={() => saveCsv("상담사-초기비밀번호.csv", [["로그인", "이름", "초기 비밀번호"], ...withPasswords.map((a) => [a.login, a.name, a.password ?? ""])])}
                  data-testid="people-passwords-csv"
                >
                  {t("savePasswords")}
                </button>
              </>
            )}
          </div>
        )}
        <div className="row2">
          <button type="button" className="btn" onClick={onClose}>
            {t("close")}
          </button>
          {!created && (
            <>
              <button type="button" className="btn" disabled={!file || progress !== null} onClick={() => void run(true)} data-testid="people-preview-btn">
                {t("bulkPreview")}
              </button>
              <button type="button" className="btn primary" disabled={!preview || preview.valid === 0 || progress !== null} onClick={() => void run(false)} data-testid="people-create">
                {t("createValidRows").replace("{n}", String(preview?.valid ?? 0))}
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
