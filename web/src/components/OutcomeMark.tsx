// The mark a call's outcome gets in lists (포기, 이관, 통화중, 무응답, 연결 실패 …); nothing for an
// ordinary completed call.

import { outcomeLabel, useLang } from "../i18n";

export function OutcomeMark({ outcome }: { outcome: string }) {
  const lang = useLang();
  if (outcome === "completed") return null;
  return (
    <span className={`outcome oc-${outcome}`} data-testid="outcome-mark">
      {outcomeLabel(lang, outcome)}
    </span>
  );
}
