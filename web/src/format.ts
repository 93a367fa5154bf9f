// Formatting rules the desk shows: durations (h:mm:ss, m:ss), Korean phone numbers as typed
// (the same rules as the server's src/domain/phone.rs), times of day.

export function hms(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}

export function mmss(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const m = Math.floor(s / 60);
  const sec = s % 60;
  if (m >= 60) return hms(s);
  return `${String(m).padStart(2, "0")}:${String(sec).padStart(2, "0")}`;
}

const AREA = ["031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061", "062", "063", "064"];

/** Length of the first group of a national number, or null when the length does not fit. */
function firstGroup(d: string): number | null {
  const n = d.length;
  const p2 = d.slice(0, 2);
  const p3 = d.slice(0, 3);
  const p4 = d.slice(0, 4);
  if (p2 === "15" || p2 === "16" || p2 === "18") return n === 8 ? 4 : null;
  if (p2 === "02") return n === 9 || n === 10 ? 2 : null;
  if (p3 === "010") return n === 11 ? 3 : null;
  if (["011", "016", "017", "018", "019"].includes(p3)) return n === 10 || n === 11 ? 3 : null;
  if (["0502", "0503", "0504", "0505", "0506", "0507", "0508"].includes(p4)) return n === 11 || n === 12 ? 4 : null;
  if (p3 === "070") return n === 11 ? 3 : null;
  if (p3 === "080") return n === 10 || n === 11 ? 3 : null;
  if (AREA.includes(p3)) return n === 10 || n === 11 ? 3 : null;
  return null;
}

function groupLenWhileTyping(d: string): number {
  if (/^1[568]/.test(d)) return 4;
  if (d.startsWith("02")) return 2;
  if (/^050[2-8]/.test(d)) return 4;
  return 3;
}

/** Normalises to national digits (+82 forms too); null when it is not a Korean number. */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  if (!/^\+?[0-9 ().-]+$/.test(trimmed)) return null;
  let d = trimmed.replace(/\D/g, "");
  if (trimmed.startsWith("+") || d.startsWith("0082")) {
    d = d.replace(/^(00)?82/, "");
    if (!d.startsWith("0")) d = `0${d}`;
  }
  return firstGroup(d) === null ? null : d;
}

/** `010-1234-5678` for a complete number; a masked one (`010-****-5678`) is shown as it is. */
export function displayPhone(digits: string): string {
  if (digits.includes("*")) return digits;
  const first = firstGroup(digits) ?? groupLenWhileTyping(digits);
  const rest = digits.slice(first);
  if (rest.length <= 4) return rest ? `${digits.slice(0, first)}-${rest}` : digits;
  const mid = rest.length - 4;
  return `${digits.slice(0, first)}-${rest.slice(0, mid)}-${rest.slice(mid)}`;
}

/** Formats what is being typed in the dial popup: hyphens appear as the number grows. */
export function formatAsTyped(input: string): string {
  const d = input.replace(/\D/g, "").slice(0, 12);
  if (d.length === 0) return "";
  if (firstGroup(d) !== null) return displayPhone(d);
  const first = groupLenWhileTyping(d);
  if (d.length <= first) return d;
  const rest = d.slice(first);
  if (rest.length <= 4) return `${d.slice(0, first)}-${rest}`;
  if (rest.length <= 7) return `${d.slice(0, first)}-${rest.slice(0, 3)}-${rest.slice(3)}`;
  return `${d.slice(0, first)}-${rest.slice(0, 4)}-${rest.slice(4)}`;
}

export function timeOfDay(iso: string, lang: "ko" | "en"): string {
  const d = new Date(iso);
  return d.toLocaleTimeString(lang === "ko" ? "ko-KR" : "en-GB", {
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone: "Asia/Seoul",
  });
}

/** The local date `2026-11-23` (Asia/Seoul) of a timestamp. */
export function dateOfDay(iso: string): string {
  return new Date(iso).toLocaleDateString("en-CA", { timeZone: "Asia/Seoul" });
}

/** `14:05:09`: a clock time with seconds (Asia/Seoul), for "saved at". */
export function clockTime(iso: string): string {
  return new Date(iso).toLocaleTimeString("en-GB", { hour12: false, timeZone: "Asia/Seoul" });
}
