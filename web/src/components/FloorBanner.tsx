// The banner over the desk for what managers send: a floor notice (공지), or my status set /
// my sign-out by a manager with their note. Each stays until the agent closes it; a newer one
// takes its place.

import { useState } from "react";
import { deskStore } from "../desk";
import { timeOfDay } from "../format";
import { statusLabel, useLang, useT } from "../i18n";
import { useStore } from "../store";

export function FloorBanner() {
  const t = useT();
  const lang = useLang();
  const floor = useStore(deskStore, (s) => s.floorNotices[0] ?? null);
  const manager = useStore(deskStore, (s) => s.managerNotice);
  const [closed, setClosed] = useState<Set<string>>(() => new Set());
  const close = (key: string) => setClosed((c) => new Set(c).add(key));
  const managerKey = manager ? `m-${manager.at}-${manager.kind}` : "";
  const floorKey = floor ? `f-${floor.id}` : "";
  const showManager = manager && !closed.has(managerKey);
  const showFloor = floor && !closed.has(floorKey);
  if (!showManager && !showFloor) return null;
  let managerTitle = "";
  if (manager) {
    const st = manager.status ? statusLabel(lang, manager.status, manager.reason) : "";
    const key =
      manager.kind === "status_forced"
        ? manager.afterCall
          ? "forcedStatusAfterCall"
          : "forcedStatusBy"
        : manager.afterCall
          ? "signedOutAfterCall"
          : "signedOutBy";
    managerTitle = t(key).replace("{name}", manager.byName).replace("{status}", st);
  }
  return (
    <div className="floor-banners">
      {showManager && manager && (
        <div className="floor-banner manager" role="alert" data-testid="manager-notice">
          <strong>{managerTitle}</strong>
          <span className="floor-text">{manager.text}</span>
          <span className="muted">{timeOfDay(manager.at, lang)}</span>
          <button className="chip-x" onClick={() => close(managerKey)} aria-label={t("dismiss")}>
            ×
          </button>
        </div>
      )}
      {showFloor && floor && (
        <div className="floor-banner" role="status" data-testid="floor-notice">
          <strong>{t("floorNotice")}</strong>
          <span className="floor-text">{floor.text}</span>
          <span className="muted">
            {floor.byName} · {timeOfDay(floor.at, lang)}
          </span>
          <button className="chip-x" onClick={() => close(floorKey)} aria-label={t("dismiss")}>
            ×
          </button>
        </div>
      )}
    </div>
  );
}
