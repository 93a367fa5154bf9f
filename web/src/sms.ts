// 문자발송 rules on the desk, the same as the server's: the EUC-KR byte count (every character
// EUC-KR can carry is 2 bytes, ASCII 1; the set is every Hangul syllable — Windows-949, as the
// server's WHATWG encoder — plus the KS X 1001 table read once from the runtime's EUC-KR
// decoder), SMS up to 90 bytes,
// LMS up to 2,000 with a 40-byte title, and AlimTalk `#{변수}` slots: finding, prefilling and
// filling them.

export const SMS_MAX = 90;
export const LMS_MAX = 2000;
export const TITLE_MAX = 40;

let encodable: Set<string> | null = null;

/** Every non-ASCII character EUC-KR (Windows-949) can carry besides Hangul syllables. */
function euckrSet(): Set<string> {
  if (encodable) return encodable;
  // KS X 1001 rows (0xA1–0xFE twice); Windows-949's extra rows hold only Hangul syllables,
  // which `euckrBytes` counts directly (not every runtime's decoder knows those rows).
  const bytes: number[] = [];
  for (let lead = 0xa1; lead <= 0xfe; lead++) {
    for (let trail = 0xa1; trail <= 0xfe; trail++) bytes.push(lead, trail, 0x0a);
  }
  const text = new TextDecoder("euc-kr").decode(new Uint8Array(bytes));
  const set = new Set<string>();
  for (const piece of text.split("\n")) {
    if (piece.length === 1 && piece !== "\ufffd" && piece.charCodeAt(0) >= 0x80) set.add(piece);
  }
  encodable = set;
  return set;
}

export interface ByteCount {
  bytes: number;
  /** Characters that cannot go in an SMS (emoji…), each once. */
  bad: string[];
}

export function euckrBytes(text: string): ByteCount {
  const set = euckrSet();
  let bytes = 0;
  const bad: string[] = [];
  for (const c of text) {
    const code = c.codePointAt(0) ?? 0;
    if (code < 0x80) bytes += 1;
    else if ((code >= 0xac00 && code <= 0xd7a3) || set.has(c)) bytes += 2;
    else if (!bad.includes(c)) bad.push(c);
  }
  return { bytes, bad };
}

export interface TextCheck {
  kind: "sms" | "lms";
  bytes: number;
  titleBytes: number;
  /** What stops it being sent, if anything. */
  problem: string | null;
}

/** SMS when ≤ 90 bytes without a title, else LMS (≤ 2,000 bytes, title ≤ 40 bytes). */
export function checkText(title: string, body: string): TextCheck {
  const b = euckrBytes(body);
  const t = euckrBytes(title.trim());
  const kind = b.bytes <= SMS_MAX && title.trim() === "" ? "sms" : "lms";
  let problem: string | null = null;
  if (b.bad.length || t.bad.length) {
    problem = `문자로 보낼 수 없는 글자가 있습니다 (이모지 등): ${[...b.bad, ...t.bad].join("")}`;
  } else if (b.bytes > LMS_MAX) {
    problem = `LMS는 ${LMS_MAX}바이트까지입니다 (지금 ${b.bytes}바이트)`;
  } else if (t.bytes > TITLE_MAX) {
    problem = `제목은 ${TITLE_MAX}바이트까지입니다 (지금 ${t.bytes}바이트)`;
  } else if (body.trim() === "") {
    problem = "내용을 입력하세요";
  }
  return { kind, bytes: b.bytes, titleBytes: t.bytes, problem };
}

/** The `#{…}` slots of a template body, in order of first use. */
export function templateVariables(body: string): string[] {
  const out: string[] = [];
  for (const m of body.matchAll(/#\{([^}]*)\}/g)) {
    const name = m[1].trim();
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

/** The body with the slots that have values filled in (the others stay as `#{…}`). */
export function fillTemplate(body: string, values: Record<string, string>): string {
  return body.replace(/#\{([^}]*)\}/g, (whole, name: string) => {
    const v = values[name.trim()]?.trim();
    return v ? v : whole;
  });
}

export interface PrefillContext {
  customerName?: string | null;
  orderNo?: string | null;
  shippingCompany?: string | null;
  trackingNo?: string | null;
  agentName?: string | null;
  brandName?: string | null;
  number?: string | null;
  scheduledAt?: string | null;
}

/** What the desk already knows for the usual slot names. */
export function prefill(vars: string[], ctx: PrefillContext): Record<string, string> {
  const known: Record<string, string | null | undefined> = {
    고객명: ctx.customerName,
    이름: ctx.customerName,
    주문번호: ctx.orderNo,
    택배사: ctx.shippingCompany,
    운송장번호: ctx.trackingNo,
    상담사: ctx.agentName,
    상담사명: ctx.agentName,
    브랜드: ctx.brandName,
    브랜드명: ctx.brandName,
    쇼핑몰: ctx.brandName,
    전화번호: ctx.number,
    예약일시: ctx.scheduledAt,
  };
  const out: Record<string, string> = {};
  for (const v of vars) out[v] = known[v] ?? "";
  return out;
}
