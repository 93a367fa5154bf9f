import { describe, expect, it } from "vitest";
import { emptyNote, followDesk } from "./note";
import type { CallView } from "./generated/CallView";
import type { NoteView } from "./generated/NoteView";

const call = (ticketId: string): CallView =>
  ({ callId: 1, ticketId, state: "on_call", since: "2026-11-30T00:00:00Z" }) as CallView;
const saved: NoteView = { ticketId: "T1", category: "배송", result: null, content: "저장한 메모", draft: false, updatedAt: "2026-11-30T00:01:00Z" };

describe("followDesk", () => {
  it("restores the server's note on hello", () => {
    const n = followDesk(emptyNote(null), call("T1"), saved);
    expect(n).toMatchObject({ ticketId: "T1", category: "배송", result: "", content: "저장한 메모", dirty: false, savedAt: saved.updatedAt });
  });

  it("keeps this desk's unsent edits of the same call over the server's copy", () => {
    const mine = { ...emptyNote("T1"), content: "더 새로운 내용", dirty: true };
    expect(followDesk(mine, call("T1"), saved)).toBe(mine);
  });

  it("marks a restored draft as a draft", () => {
    const n = followDesk(emptyNote(null), call("T1"), { ...saved, draft: true });
    expect(n.draftAt).toBe(saved.updatedAt);
    expect(n.savedAt).toBeNull();
  });

  it("starts a new call empty and drops the note when the call is gone", () => {
    const n = { ...emptyNote("T1"), content: "이전 통화" };
    expect(followDesk(n, call("T2"))).toEqual(emptyNote("T2"));
    expect(followDesk(n, null)).toEqual(emptyNote(null));
    expect(followDesk(n, call("T1"))).toBe(n);
  });
});
