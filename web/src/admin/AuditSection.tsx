// 감사 로그: who changed what, when — by date range, person and kind (each action in words, its
// code beside it); CSV download for Excel (codes, as stored).

import { useCallback, useEffect, useState } from "react";
import { api, download } from "../api";
import { notify } from "../actions";
import { clockTime, dateOfDay } from "../format";
import { useLang, useT } from "../i18n";
import type { Person } from "./AgentsSection";
import { ChoiceSelect } from "../components/ChoiceSelect";

interface Entry {
  at: string | null;
  by: number | null;
  byName: string | null;
  action: string;
  detail: Record<string, unknown>;
}

/** The kinds to filter by (an action's prefix, as the server matches them), in Korean first. */
const KINDS: [string, string, string][] = [
  ["agent", "상담사", "People"],
  ["login", "로그인", "Sign-in"],
  ["password", "비밀번호", "Password"],
  ["service", "서비스", "Services"],
  ["brand", "브랜드", "Brand"],
  ["consultation", "상담", "Consultations"],
  ["customer", "고객", "Customers"],
  ["reservation", "예약", "Reservations"],
  ["reservations", "예약 일괄 등록", "Reservation uploads"],
  ["dnc", "수신거부", "Do not call"],
  ["message", "문자 발송", "Messages"],
  ["messaging", "문자 연동", "Messaging link"],
  ["template", "상담정보", "Answers"],
  ["alimtalk_template", "알림톡 템플릿", "AlimTalk templates"],
  ["notice", "공지", "Notices"],
  ["retention", "보관 기한 정리", "Retention"],
];

/** What an action did, in words (ko, en); an unknown one shows its code. */
const ACTIONS: Record<string, [string, string]> = {
  "agent.create": ["상담사 등록", "Person added"],
  "agent.update": ["상담사 수정", "Person edited"],
  "agent.password_reset": ["비밀번호 재설정", "Password reset"],
  "agent.deactivate": ["사용 중지", "Deactivated"],
  "agent.activate": ["다시 사용", "Reactivated"],
  "agent.force_status": ["상태 변경 (매니저)", "Status set by a manager"],
  "agent.sign_out": ["로그아웃 (매니저)", "Signed out by a manager"],
  "login.failed": ["로그인 실패", "Sign-in failed"],
  "login.locked": ["로그인 잠금", "Sign-in locked"],
  "password.change": ["비밀번호 변경", "Password changed"],
  "service.create": ["서비스 등록", "Service added"],
  "service.update": ["서비스 수정", "Service edited"],
  "brand.create": ["브랜드 등록", "Brand added"],
  "brand.settings": ["브랜드 설정", "Brand settings"],
  "consultation.note": ["상담내용 수정", "Note edited"],
  "consultation.export": ["상담 내려받기", "Consultations exported"],
  "customer.create": ["고객 등록", "Customer added"],
  "customer.edit": ["고객 수정", "Customer edited"],
  "customer.memo": ["관리메모", "Customer memo"],
  "customer.blacklist": ["블랙리스트 등록", "Blacklisted"],
  "customer.unblacklist": ["블랙리스트 해제", "Blacklist lifted"],
  "customer.access_export": ["열람 요청 내려받기", "Access request export"],
  "customer.erase": ["고객 삭제", "Customer erased"],
  "reservation.create": ["예약 등록", "Booked"],
  "reservation.update": ["예약 수정", "Booking edited"],
  "reservation.cancel": ["예약 취소", "Booking cancelled"],
  "reservations.import": ["예약 일괄 등록", "Bookings uploaded"],
  "dnc.add": ["수신거부 등록", "Do-not-call added"],
  "dnc.remove": ["수신거부 해제", "Do-not-call removed"],
  "message.send": ["문자 발송", "Message sent"],
  "messaging.test": ["문자 시험 발송", "Test message"],
  "template.save": ["상담정보 저장", "Answer saved"],
  "template.delete": ["상담정보 삭제", "Answer deleted"],
  "alimtalk_template.save": ["알림톡 템플릿 저장", "AlimTalk template saved"],
  "alimtalk_template.delete": ["알림톡 템플릿 삭제", "AlimTalk template deleted"],
  "notice.create": ["공지", "Notice"],
  "retention.run": ["보관 기한 정리", "Retention run"],
};

export function AuditSection() {
  const t = useT();
  const en = useLang() === "en";
  const today = dateOfDay(new Date().toISOString());
  const weekAgo = dateOfDay(new Date(Date.now() - 6 * 86_400_000).toISOString());
  const [from, setFrom] = useState(weekAgo);
  const [to, setTo] = useState(today);
  const [actor, setActor] = useState("");
  const [kind, setKind] = useState("");
  const [items, setItems] = useState<Entry[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [people, setPeople] = useState<Person[]>([]);
  const query = `from=${from}&to=${to}${actor ? `&actor=${actor}` : ""}${kind ? `&kind=${kind}` : ""}`;
  const reload = useCallback(async () => {
    try {
      const r = await api<{ items: Entry[]; truncated: boolean }>("GET", `/api/admin/audit?${query}`);
      setItems([...r.items].reverse());
      setTruncated(r.truncated);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }, [query]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useEffect(() => {
    api<{ items: Person[] }>("GET", "/api/admin/agents?limit=1000").then(
      (r) => setPeople(r.items),
      () => {},
    );
  }, []);

  async function downloadCsv() {
    try {
      await download(`/api/admin/audit?${query}&format=csv`, `audit-${from}-${to}.csv`);
    } catch (e) {
      notify("error", (e as Error).message);
    }
  }


  return (
    <section aria-label={t("admin_audit")}>
      <div className="admin-toolbar">
        <h2>{t("admin_audit")}</h2>
        <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label={t("fromDate")} data-testid="audit-from" />
        <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label={t("toDate")} data-testid="audit-to" />
        <ChoiceSelect value={actor} onChange={setActor} label={t("person")} testid="audit-actor" all={t("everyone")} choices={people.map((p) => ({ value: p.id, label: p.name }))} />
        <ChoiceSelect value={kind} onChange={setKind} label={t("kind")} testid="audit-kind" all={t("allKinds")} choices={KINDS.map(([k, ko, english]) => ({ value: k, label: en ? english : ko }))} />
        <button className="btn" onClick={() => void downloadCsv()} data-testid="audit-csv">
          CSV
        </button>
      </div>
      {truncated && <p className="warn">{t("auditTruncated")}</p>}
      {items.length === 0 ? (
        <p className="empty">{t("noAudit")}</p>
      ) : (
        <table className="grid admin-table" data-testid="audit-list">
          <thead>
            <tr>
              <th>{t("time")}</th>
              <th>{t("person")}</th>
              <th>{t("kind")}</th>
              <th>{t("detailLabel")}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e, i) => (
              <tr key={i}>
                <td className="nowrap">{e.at ? `${dateOfDay(e.at)} ${clockTime(e.at)}` : "—"}</td>
                <td className="nowrap">{e.byName ?? (e.by === null ? "—" : `#${e.by}`)}</td>
                <td className="nowrap" data-action={e.action}>
                  {ACTIONS[e.action] ? (en ? ACTIONS[e.action][1] : ACTIONS[e.action][0]) : e.action} <code className="muted small">{e.action}</code>
                </td>
                <td className="detail">{JSON.stringify(e.detail)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
