// The consultation note (F-NOTE) in the main window: 상담유형, 처리결과 and a large 내용 box,
// focused when a call is answered (unless the agent is already typing in another field). What
// is typed is kept on the server as a draft while typing pauses (see actions.ts), so neither a
// status change, the wrap-up limit nor a reload loses it; the line under the box says where the
// text stands (typing, draft kept, saved, offline).

import { useEffect, useRef } from "react";
import { editNote, flushDraft, notify, saveNote, wrapupDone } from "../actions";
import { deskStore } from "../desk";
import { clockTime } from "../format";
import { useT } from "../i18n";
import { noteStore } from "../note";
import { useStore } from "../store";

export function NoteEditor() {
  const t = useT();
  const call = useStore(deskStore, (s) => s.call);
  const brand = useStore(deskStore, (s) => s.brand);
  const online = useStore(deskStore, (s) => s.connection === "open");
  const note = useStore(noteStore, (n) => n);
  const box = useRef<HTMLTextAreaElement>(null);
  const ticket = note.ticketId;
  const editable = !!call && call.state !== "ringing" && ticket === call.ticketId;
  const state = call?.state;

  // Answered (or connected): the cursor is in the note, ready to type — unless the agent is
  // already typing in another field (e.g. the new-customer form, answered with Alt+A): the
  // connect frame lands a moment after the click, and taking the cursor then would send the
  // rest of what they type into the note.
  useEffect(() => {
    if (state !== "on_call") return;
    const a = document.activeElement;
    const typing = a instanceof HTMLElement && a !== box.current && (a.isContentEditable || a.matches("input, textarea, select"));
    if (!typing) box.current?.focus();
  }, [state, ticket]);

  async function save(quiet = false): Promise<boolean> {
    if (!ticket || !editable) return false;
    const ok = await saveNote();
    if (ok && !quiet) notify("info", `${t("saved")} · ${ticket}`);
    return ok;
  }

  useEffect(() => {
    const onSave = () => void save();
    const onAppend = (e: Event) => {
      const text = (e as CustomEvent<string>).detail;
      if (editable) {
        const c = noteStore.get().content;
        editNote({ content: (c ? `${c}\n${text}` : text).slice(0, 4000) });
        notify("info", t("copied"));
      } else {
        void navigator.clipboard?.writeText(text).catch(() => {});
        notify("info", t("copyNeedsCall"));
      }
    };
    document.addEventListener("calldesk:save-note", onSave);
    document.addEventListener("calldesk:append-note", onAppend);
    return () => {
      document.removeEventListener("calldesk:save-note", onSave);
      document.removeEventListener("calldesk:append-note", onAppend);
    };
  });

  async function done() {
    const n = noteStore.get();
    if (n.dirty || n.content || n.category || n.result) {
      if (!(await save(true))) return;
    }
    await wrapupDone();
  }

  const stamp = (iso: string | null) => (iso ? clockTime(iso) : "");
  const where = !ticket
    ? null
    : note.dirty
      ? online
        ? t("noteTyping")
        : t("noteOffline")
      : note.savedAt
        ? `${t("saved")} ${stamp(note.savedAt)}`
        : note.draftAt
          ? `${t("draftKept")} ${stamp(note.draftAt)}`
          : null;

  return (
    <section className="note-editor" aria-label={t("note")}>
      <div className="note-head">
        <h2>{t("note")}</h2>
        <span className="muted">{t("ticketId")}</span>
        <span data-testid="note-ticket" className="ticket">
          {ticket ?? "—"}
        </span>
        <select value={note.category} onChange={(e) => editNote({ category: e.target.value })} disabled={!editable} aria-label={t("category")} data-testid="note-category">
          <option value="">{t("category")}</option>
          {brand?.categories.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <select value={note.result} onChange={(e) => editNote({ result: e.target.value })} disabled={!editable} aria-label={t("result")} data-testid="note-result">
          <option value="">{t("result")}</option>
          {brand?.results.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </div>
      <textarea
        ref={box}
        data-testid="note-content"
        value={note.content}
        onChange={(e) => editNote({ content: e.target.value })}
        onBlur={() => void flushDraft()}
        disabled={!editable}
        placeholder={editable ? t("notePlaceholder") : t("noteLocked")}
        aria-label={t("note")}
        maxLength={4000}
      />
      <div className="note-foot">
        <span className="muted" data-testid="note-state" aria-live="polite">
          {where}
        </span>
        <span className="muted count">{note.content.length} / 4000</span>
        <button data-testid="note-save" className="btn" disabled={!editable || !online} onClick={() => void save()} title={online ? "Ctrl+S" : t("offlineAction")}>
          {t("save")}
        </button>
        <button
          data-testid="wrapup-done"
          className="btn primary"
          disabled={call?.state !== "wrap_up" || !online}
          onClick={() => void done()}
          title={online ? "Alt+W" : t("offlineAction")}
        >
          {t("done")}
        </button>
      </div>
    </section>
  );
}
