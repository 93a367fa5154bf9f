// Today by 30-minute interval: offered, answered and abandoned as bars, the service level as a
// line on its own 0–100 % axis (uPlot, canvas; redrawn when the intervals change, resized with
// its box). Every interval of the working day is on the axis, not only those with calls.

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { IntervalRow } from "../generated/IntervalRow";
import { useT } from "../i18n";

/** The calls axis's tick steps: whole numbers only. */
const CALL_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

/** Slots on the axis: 08:00 to 20:00 at least, wider when calls came earlier or later. */
function slots(rows: IntervalRow[]): number[] {
  const lo = Math.min(16, ...rows.map((r) => r.slot));
  const hi = Math.max(39, ...rows.map((r) => r.slot));
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

export function IntervalChart({ rows, tv }: { rows: IntervalRow[]; tv: boolean }) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = slots(rows);
    const by = new Map(rows.map((r) => [r.slot, r]));
    const data: uPlot.AlignedData = [
      xs,
      xs.map((x) => by.get(x)?.offered ?? 0),
      xs.map((x) => by.get(x)?.answered ?? 0),
      // Abandoned (short ones included) only where calls came: no row of red dots at zero.
      xs.map((x) => {
        const r = by.get(x);
        return r && r.offered > 0 ? r.abandoned + r.shortAbandoned : null;
      }),
      xs.map((x) => by.get(x)?.serviceLevel ?? null),
    ];
    const label = (x: number) => `${String(Math.floor((x * 30) / 60)).padStart(2, "0")}:${x % 2 ? "30" : "00"}`;
    const font = tv ? "16px sans-serif" : "11px sans-serif";
    // Offered as a wide light bar, answered as a narrow dark one inside it (answered ≤ offered),
    // abandoned as red points: three figures per interval that read at a glance.
    const wide = uPlot.paths.bars!({ size: [0.7, 36] });
    const narrow = uPlot.paths.bars!({ size: [0.3, 14] });
    const grid = tv ? "#2b3b57" : "#e4e7ec";
    const ink = tv ? "#b8c3d6" : "#5b6475";
    const opts: uPlot.Options = {
      width: el.clientWidth || 600,
      height: tv ? 360 : 170,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, pct: { range: [0, 100] } },
      axes: [
        { values: (_u, vals) => vals.map((v) => (Number.isInteger(v) && v % 2 === 0 ? label(v) : "")), font, stroke: ink, grid: { show: false }, ticks: { stroke: grid } },
        // Calls are whole: the axis steps 1, 2, 5, 10, … never 0.2.
        { label: t("calls"), incrs: CALL_STEPS, font, labelFont: font, stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } },
        { scale: "pct", side: 1, label: "SL %", font, labelFont: font, stroke: ink, grid: { show: false }, ticks: { stroke: grid } },
      ],
      series: [
        { label: t("time"), value: (_u, v) => (v == null ? "" : label(v)) },
        { label: t("offered"), fill: tv ? "rgba(120, 150, 210, 0.45)" : "rgba(83, 109, 158, 0.35)", stroke: "#536d9e", paths: wide, points: { show: false } },
        { label: t("answered"), fill: tv ? "#3fbf78" : "#2e8b57", stroke: "#2e8b57", paths: narrow, points: { show: false } },
        { label: t("abandonedCount"), stroke: "#e0523f", width: 0, points: { show: true, size: tv ? 9 : 6, fill: "#e0523f", stroke: "#e0523f" } },
        { label: "SL %", scale: "pct", stroke: "#d08c00", width: 2, spanGaps: true },
      ],
    };
    plot.current?.destroy();
    plot.current = new uPlot(opts, data, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: el.clientWidth, height: opts.height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [rows, tv, t]);

  return <div className="interval-chart" ref={box} data-testid="wb-chart" aria-label={t("intervalChart")} role="img" />;
}
