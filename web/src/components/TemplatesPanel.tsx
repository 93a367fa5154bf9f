// 상담정보 (F-TEMPLATES): the brand's Q&A templates, searched as you type through the server's
// Korean-aware index; one click (or Enter for the first hit) copies an answer into the note.
// Alt+T jumps to the search box. Managers add, edit and delete templates here.

import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "../api";
import { notify } from "../actions";
import { deskStore } from "../desk";
import { useT } from "../i18n";
import { useStore } from "../store";
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
  const [editing, setEditing] = useState<Template | "new" | null>(null);
  const [version, setVersion] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const isManager = useStore(deskStore, (s) => s.agent?.role === "manager" || s.agent?.role === "admin");

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
  }, [q, category, version]);

  async function remove(tpl: Template) {
    if (!confirm(`${tpl.question} — ${t("delete")}?`)) return;
    try {
      await api("DELETE", `/api/templates/${tpl.id}`);
      setVersion((v) => v + 1);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }



  useEffect(() => {
    const focus = () => input.current?.focus();
    document.addEventListener("calldesk:focus-templates", focus);
    focus();
    return () => document.removeEventListener("calldesk:focus-templates", focus);
  }, [editing]);

  if (editing) {
    return (
      <TemplateForm
        existing={editing === "new" ? null : editing}
        onDone={() => {
          setEditing(null);
          setVersion((v) => v + 1);
        }}
      />
    );
  }

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
      {isManager && (
        <button className="btn small-btn tpl-new" data-testid="template-new" onClick={() => setEditing("new")}>
          + {t("newTemplate")}
        </button>
      )}
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
              {isManager && (
                <>
                  <button className="btn small-btn" data-testid="template-edit" onClick={() => setEditing(it)}>
                    {t("edit")}
                  </button>
                  <button className="btn small-btn danger" data-testid="template-delete" onClick={() => void remove(it)}>
                    {t("delete")}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TemplateForm({ existing, onDone }: { existing: Template | null; onDone: () => void }) {
  const t = useT();
  const [category, setCategory] = useState(existing?.category ?? "");
  const [question, setQuestion] = useState(existing?.question ?? "");
  const [answer, setAnswer] = useState(existing?.answer ?? "");
  const [tags, setTags] = useState(existing?.tags.join(", ") ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function save(e: React.FormEvent) {
    e.preventDefault();
    const body = { category, question, answer, tags: tags.split(",").map((x) => x.trim()).filter(Boolean) };
    try {
      if (existing) await api("PUT", `/api/templates/${existing.id}`, body);
      else await api("POST", "/api/templates", body);
      notify("info", t("saved"));
      onDone();
    } catch (err) {
      if (err instanceof ApiError && Object.keys(err.fields).length) setErrors(err.fields);
      else notify("error", (err as Error).message);
    }
  }

  const err = (k: string) => errors[k] && <span className="field-error">{errors[k]}</span>;
  return (
    <form className="cust-form" onSubmit={save} data-testid="template-form">
      <h3 className="sub">{existing ? t("edit") : t("newTemplate")}</h3>
      <label>
        {t("category")}
        <input value={category} onChange={(e) => setCategory(e.target.value)} data-testid="template-form-category" />
        {err("category")}
      </label>
      <label>
        {t("question")}
        <input value={question} onChange={(e) => setQuestion(e.target.value)} data-testid="template-form-question" />
        {err("question")}
      </label>
      <label>
        {t("answerLabel")}
        <textarea value={answer} onChange={(e) => setAnswer(e.target.value)} data-testid="template-form-answer" style={{ height: 120 }} />
        {err("answer")}
      </label>
      <label>
        {t("tags")}
        <input value={tags} onChange={(e) => setTags(e.target.value)} />
        {err("tags")}
      </label>
      <div className="row2">
        <button type="button" className="btn" onClick={onDone}>
          {t("cancel")}
        </button>
        <button className="btn primary" data-testid="template-form-save">
          {t("save")}
        </button>
      </div>
    </form>
  );
}
