// 상담정보 (F-TEMPLATES): the brand's Q&A templates, searched as you type through the server's
// Korean-aware index; one click (or Enter for the first hit) copies an answer into the note.
// Alt+T jumps to the search box.

import { useEffect, useRef, useState } from "react";
import { api } from "../api";
import { notify } from "../actions";
import { useT } from "../i18n";
import type { Template } from "../generated/Template";

export function appendToNote(text: string): void {
  document.dispatchEvent(new CustomEvent("calldesk:append-note", { detail: text }));
}

export function TemplatesPanel() {
  const t = useT();
  const [q, setQ] = useState("");
  const [category, setCategory] = useState<string | null>(null);
  const [items, setItems] = useState<Template[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [open, setOpen] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const timer = setTimeout(() => {
      const params = new URLSearchParams();
      if (q.trim()) params.set("q", q.trim());
      if (category) params.set("category", category);
      api<{ items: Template[]; categories: string[] }>("GET", `/api/templates?${params}`).then(
        (r) => {
          setItems(r.items);
          setCategories(r.categories);
        },
        (e) => notify("error", (e as Error).message),
      );
    }, 120);
    return () => clearTimeout(timer);
  }, [q, category]);

  useEffect(() => {
    const focus = () => input.current?.focus();
    document.addEventListener("calldesk:focus-templates", focus);
    focus();
    return () => document.removeEventListener("calldesk:focus-templates", focus);
  }, []);

  return (
    <div className="tpl">
      <input
        ref={input}
        data-testid="template-search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && items[0]) {
            e.preventDefault();
            appendToNote(items[0].answer);
          }
        }}
        placeholder={t("templateSearch")}
      />
      <div className="chips">
        <button className={`chip ${category === null ? "on" : ""}`} onClick={() => setCategory(null)}>
          {t("all")}
        </button>
        {categories.map((c) => (
          <button key={c} className={`chip ${category === c ? "on" : ""}`} onClick={() => setCategory(c === category ? null : c)}>
            {c}
          </button>
        ))}
      </div>
      {items.length === 0 ? (
        <p className="empty">{t("noTemplates")}</p>
      ) : (
        <ul className="tpl-list" data-testid="template-list">
          {items.map((it) => (
            <li key={it.id} className={open === it.id ? "open" : ""}>
              <button className="tpl-q" onClick={() => setOpen(open === it.id ? null : it.id)}>
                <span className="muted small">{it.category}</span> {it.question}
              </button>
              <p className="tpl-a">{it.answer}</p>
              <button className="btn small-btn" data-testid="template-copy" onClick={() => appendToNote(it.answer)}>
                {t("copyToNote")}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
