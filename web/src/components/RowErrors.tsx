// The row errors of a bulk file's preview: line, field, message; the first 100, then how many
// more there are.

import { useT } from "../i18n";
import type { RowError } from "../upload";

export function RowErrors({ errors, total }: { errors: RowError[]; total: number }) {
  const t = useT();
  if (errors.length === 0) return null;
  const shown = Math.min(100, errors.length);
  return (
    <table className="grid" data-testid="bulk-errors">
      <tbody>
        {errors.slice(0, shown).map((e, i) => (
          <tr key={i}>
            <td className="num nowrap">{t("rowN").replace("{n}", String(e.line))}</td>
            <td className="warn">{e.message}</td>
          </tr>
        ))}
        {total > shown && (
          <tr>
            <td colSpan={2}>{t("moreRowErrors").replace("{n}", String(total - shown))}</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
