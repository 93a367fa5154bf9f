// The note being written for the current call (F-NOTE): its fields, whether it holds changes
// the server has not got yet (`dirty`), and when it was last kept as a draft or saved. The
// pure `followDesk` keeps it on the desk's call: `hello` restores what the server kept (a
// reload loses nothing), a new call starts empty. Sending drafts lives in actions.ts.

import type { CallView } from "./generated/CallView";
import type { NoteView } from "./generated/NoteView";
import { createStore } from "./store";

export interface NoteState {
  ticketId: string | null;
  category: string;
  result: string;
  content: string;
  /** Typed but not yet on the server (neither as a draft nor saved). */
  dirty: boolean;
  /** When the server last saved it as the note (RFC 3339), if ever. */
  savedAt: string | null;
  /** When the server last kept it as a draft, if since the last save. */
  draftAt: string | null;
}

export function emptyNote(ticketId: string | null): NoteState {
  return { ticketId, category: "", result: "", content: "", dirty: false, savedAt: null, draftAt: null };
}

export const noteStore = createStore<NoteState>(emptyNote(null));

/**
 * The note after a frame moved the desk to `call`. `restored` is given on `hello` only (the
 * server's note for the call, null when none): it replaces the note unless this desk holds
 * newer edits of the same call that the server has not got yet.
 */
export function followDesk(n: NoteState, call: CallView | null, restored?: NoteView | null): NoteState {
  const ticket = call?.ticketId ?? null;
  if (restored !== undefined) {
    if (ticket !== null && n.ticketId === ticket && n.dirty) return n;
    if (ticket !== null && restored && restored.ticketId === ticket) {
      return {
        ticketId: ticket,
        category: restored.category ?? "",
        result: restored.result ?? "",
        content: restored.content,
        dirty: false,
        savedAt: restored.draft ? null : restored.updatedAt,
        draftAt: restored.draft ? restored.updatedAt : null,
      };
    }
    return emptyNote(ticket);
  }
  return n.ticketId === ticket ? n : emptyNote(ticket);
}
