// Small shared React hooks.

import { useEffect, useRef, useState } from "react";
import { watchAgents, type AgentFilter } from "./actions";
import { api } from "./api";
import type { AgentRow } from "./generated/AgentRow";

/**
 * Calls `onEscape` when Escape is pressed anywhere while `active` (a dialog, a dropdown): focus
 * need not be inside it, so it works right after opening.
 */
export function useEscape(onEscape: () => void, active = true): void {
  const latest = useRef(onEscape);
  useEffect(() => {
    latest.current = onEscape;
  });
  useEffect(() => {
    if (!active) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented) return;
      e.preventDefault();
      latest.current();
    };
    // Only the layer opened last answers, so one press closes one layer.
    layers.push(onKey);
    const top = (e: KeyboardEvent) => {
      if (layers[layers.length - 1] === onKey) onKey(e);
    };
    window.addEventListener("keydown", top);
    return () => {
      window.removeEventListener("keydown", top);
      layers.splice(layers.indexOf(onKey), 1);
    };
  }, [active]);
}

const layers: ((e: KeyboardEvent) => void)[] = [];

/** Watches an agent list while the component shows it (`null`: not now); re-filters in place. */
export function useAgentWatch(filter: AgentFilter | null): void {
  const handle = useRef<ReturnType<typeof watchAgents> | null>(null);
  const sent = useRef<string | null>(null);
  const key = filter ? JSON.stringify(filter) : null;
  const shown = key !== null;
  useEffect(() => {
    if (!shown) return;
    return () => {
      handle.current?.release();
      handle.current = null;
      sent.current = null;
    };
  }, [shown]);
  useEffect(() => {
    if (key === null) return;
    if (!handle.current) handle.current = watchAgents(JSON.parse(key) as AgentFilter);
    else if (sent.current !== key) handle.current.update(JSON.parse(key) as AgentFilter);
    sent.current = key;
  }, [key]);
}

/** The brand's agents for a filter, read once (pickers: a reservation's agent, a bulk file's); `null`: none needed. */
export function useAgentDirectory(filter: AgentFilter | null = {}): AgentRow[] {
  const [rows, setRows] = useState<AgentRow[]>([]);
  const key = filter ? JSON.stringify(filter) : null;
  useEffect(() => {
    if (key === null) return;
    const f = JSON.parse(key) as AgentFilter;
    const q = new URLSearchParams(Object.entries(f).filter(([, v]) => !!v) as [string, string][]);
    let live = true;
    api<{ agents: AgentRow[] }>("GET", `/api/agents?${q}`).then(
      (r) => live && setRows([...r.agents].sort((a, b) => a.name.localeCompare(b.name, "ko"))),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [key]);
  return rows;
}
