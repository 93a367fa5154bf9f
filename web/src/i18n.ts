// Labels: Korean first (the words of SPEC.md), English on the switch; the choice is remembered.

import { createStore, useStore } from "./store";

export type Lang = "ko" | "en";

const KEY = "calldesk.lang";

function initialLang(): Lang {
  try {
    return localStorage.getItem(KEY) === "en" ? "en" : "ko";
  } catch {
    return "ko";
  }
}

export const langStore = createStore<Lang>(initialLang());

export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    /* private mode: not remembered */
  }
  langStore.set(() => lang);
}

export function useLang(): Lang {
  return useStore(langStore, (l) => l);
}

const ko = {
  appName: "상담 데스크",
  loginTitle: "상담 데스크 로그인",
  loginId: "아이디",
  password: "비밀번호",
  login: "로그인",
  logout: "로그아웃",
  ready: "대기",
  preparing: "상담준비",
  other: "기타",
  afterCall: "통화 후",
  dial: "전화하기",
  dialTitle: "전화 걸기",
  dialNumber: "전화번호",
  call: "발신",
  cancel: "취소",
  close: "닫기",
  agentsInService: "상담중 상담사",
  agentsAll: "전체 상담사",
  consSummary: "상담 현황",
  queueWaiting: "상담 대기중",
  monitor: "모니터링",
  talkTotal: "총통화",
  talkAvg: "평균통화",
  readyTime: "상담대기",
  wrapUpTime: "후처리",
  awayTime: "자리비움",
  topCalls: "최고콜",
  totalCalls: "전체콜",
  avgCalls: "평균콜",
  myCalls: "본인콜",
  callState: "콜 상태",
  note: "상담내용",
  ticketId: "티켓 ID",
  service: "서비스",
  channel: "채널",
  category: "상담유형",
  result: "처리결과",
  choose: "선택",
  save: "저장",
  saved: "저장됨",
  done: "완료",
  answer: "받기",
  hangup: "끊기",
  idleReady: "대기 중입니다. 전화가 오면 여기에 표시됩니다.",
  idlePreparing: "상담준비 상태입니다. 대기로 바꾸면 전화를 받을 수 있습니다.",
  idleAux: "기타 상태입니다. 대기로 바꾸면 전화를 받을 수 있습니다.",
  ringing: "전화 수신중",
  onCall: "통화중",
  dialing: "발신중",
  wrapUp: "후처리",
  ringsOutIn: "남은 시간",
  caller: "발신번호",
  customer: "고객",
  newCustomer: "등록되지 않은 고객",
  customerInfo: "고객정보",
  myCons: "상담현황",
  noCons: "오늘 완료한 상담이 없습니다.",
  time: "시각",
  number: "전화번호",
  talk: "통화",
  detail: "상담 상세",
  readOnly: "다른 상담사의 상담은 읽기만 할 수 있습니다.",
  disconnected: "서버와 연결이 끊겼습니다. 다시 연결하는 중…",
  shortcuts: "단축키",
  name: "이름",
  extension: "내선",
  state: "상태",
  since: "경과",
  email: "이메일",
  blacklist: "블랙리스트",
  agent: "상담사",
  none: "없음",
  waitingFor: "대기 고객",
  language: "English",
  endedBy: "종료",
  noteLocked: "통화 중이거나 후처리 중일 때 입력할 수 있습니다.",
  phones: "전화번호",
  birthDate: "생년월일",
  memo: "관리메모",
  history: "상담이력",
  edit: "수정",
  newCustomerTitle: "신규 고객 등록",
  addMemo: "메모 추가",
  blacklistOn: "블랙리스트 등록",
  blacklistOff: "블랙리스트 해제",
  blacklistReason: "블랙리스트 사유",
  search: "고객 검색 (이름 또는 번호)",
  noCustomer: "통화 중인 고객이나 검색한 고객이 여기에 표시됩니다.",
  noHistory: "상담이력이 없습니다.",
  noMemos: "메모가 없습니다.",
  claim: "클레임정보",
  templates: "상담정보",
  templateSearch: "상담 템플릿 검색 (Enter: 첫 답변 복사)",
  all: "전체",
  noTemplates: "검색 결과가 없습니다.",
  copyToNote: "상담내용에 복사",
  copied: "상담내용에 복사했습니다",
  copyNeedsCall: "통화 중이 아니라 클립보드에 복사했습니다",
  orders: "주문정보",
  orderNo: "주문번호",
  lookup: "조회",
  recentOrders: "최근 주문",
  noOrders: "주문이 없습니다.",
  amount: "결제금액",
  newTemplate: "새 템플릿",
  delete: "삭제",
  question: "질문",
  answerLabel: "답변",
  tags: "태그 (쉼표로 구분)",
  reserve: "예약하기",
  reserveTitle: "상담 예약",
  resvSummary: "예약 현황",
  resvDirect: "직접",
  resvBulk: "대량",
  resvCallback: "콜백",
  scheduledAt: "예약 일시",
  noResv: "미처리 예약이 없습니다.",
  myResv: "예약현황",
  overdue: "지남",
  status_pending: "미처리",
  status_done: "완료",
  status_failed: "실패",
  status_cancelled: "취소",
  cancelResv: "예약 취소",
  booked: "예약했습니다",
} as const;

export type LabelKey = keyof typeof ko;

const en: Record<LabelKey, string> = {
  appName: "Call desk",
  loginTitle: "Call desk sign-in",
  loginId: "Login",
  password: "Password",
  login: "Sign in",
  logout: "Sign out",
  ready: "Ready",
  preparing: "Preparing",
  other: "Other",
  afterCall: "After call",
  dial: "Call",
  dialTitle: "Place a call",
  dialNumber: "Number",
  call: "Dial",
  cancel: "Cancel",
  close: "Close",
  agentsInService: "Agents in service",
  agentsAll: "All agents",
  consSummary: "Consultations",
  queueWaiting: "Waiting in queue",
  monitor: "Monitor",
  talkTotal: "Talk total",
  talkAvg: "Talk avg",
  readyTime: "Ready",
  wrapUpTime: "Wrap-up",
  awayTime: "Away",
  topCalls: "Top calls",
  totalCalls: "Total calls",
  avgCalls: "Avg calls",
  myCalls: "My calls",
  callState: "Call state",
  note: "Note",
  ticketId: "Ticket ID",
  service: "Service",
  channel: "Channel",
  category: "Category",
  result: "Result",
  choose: "Choose",
  save: "Save",
  saved: "Saved",
  done: "Done",
  answer: "Answer",
  hangup: "Hang up",
  idleReady: "Ready. Calls will appear here.",
  idlePreparing: "Preparing. Go Ready to receive calls.",
  idleAux: "Away (other). Go Ready to receive calls.",
  ringing: "Ringing",
  onCall: "On call",
  dialing: "Dialing",
  wrapUp: "Wrap-up",
  ringsOutIn: "Rings out in",
  caller: "Caller",
  customer: "Customer",
  newCustomer: "Unknown caller",
  customerInfo: "Customer",
  myCons: "My day",
  noCons: "No completed consultations today.",
  time: "Time",
  number: "Number",
  talk: "Talk",
  detail: "Consultation",
  readOnly: "Another agent's consultation is read-only.",
  disconnected: "Disconnected from the server. Reconnecting…",
  shortcuts: "Shortcuts",
  name: "Name",
  extension: "Ext.",
  state: "State",
  since: "For",
  email: "Email",
  blacklist: "Blacklisted",
  agent: "Agent",
  none: "None",
  waitingFor: "Waiting",
  language: "한국어",
  endedBy: "Ended",
  noteLocked: "Available during a call and in wrap-up.",
  phones: "Numbers",
  birthDate: "Birth date",
  memo: "Internal memo",
  history: "History",
  edit: "Edit",
  newCustomerTitle: "New customer",
  addMemo: "Add memo",
  blacklistOn: "Blacklist",
  blacklistOff: "Remove from blacklist",
  blacklistReason: "Blacklist reason",
  search: "Find a customer (name or number)",
  noCustomer: "The caller, or a customer you look up, shows here.",
  noHistory: "No consultations yet.",
  noMemos: "No memos.",
  claim: "Claims",
  templates: "Answers",
  templateSearch: "Search answers (Enter copies the first)",
  all: "All",
  noTemplates: "No answers found.",
  copyToNote: "Copy into note",
  copied: "Copied into the note",
  copyNeedsCall: "No call: copied to the clipboard instead",
  orders: "Orders",
  orderNo: "Order number",
  lookup: "Look up",
  recentOrders: "Recent orders",
  noOrders: "No orders.",
  amount: "Amount",
  newTemplate: "New answer",
  delete: "Delete",
  question: "Question",
  answerLabel: "Answer",
  tags: "Tags (comma separated)",
  reserve: "Book",
  reserveTitle: "Book a consultation",
  resvSummary: "Reservations",
  resvDirect: "Direct",
  resvBulk: "Bulk",
  resvCallback: "Callback",
  scheduledAt: "When",
  noResv: "No pending reservations.",
  myResv: "Reservations",
  overdue: "due",
  status_pending: "Pending",
  status_done: "Done",
  status_failed: "Failed",
  status_cancelled: "Cancelled",
  cancelResv: "Cancel",
  booked: "Booked",
};

const tables: Record<Lang, Record<LabelKey, string>> = { ko, en };

export function label(lang: Lang, key: LabelKey): string {
  return tables[lang][key];
}

/** `t("ready")` in the current language; re-renders when the language changes. */
export function useT(): (key: LabelKey) => string {
  const lang = useLang();
  return (key) => tables[lang][key];
}

const statusKo: Record<string, string> = {
  logged_out: "로그아웃",
  preparing: "상담준비",
  ready: "대기",
  ringing: "수신중",
  on_call: "통화중",
  wrap_up: "후처리",
  dialing: "발신중",
  aux: "기타",
};
const statusEn: Record<string, string> = {
  logged_out: "Logged out",
  preparing: "Preparing",
  ready: "Ready",
  ringing: "Ringing",
  on_call: "On call",
  wrap_up: "Wrap-up",
  dialing: "Dialing",
  aux: "Other",
};
export const AUX_REASONS = ["meeting", "away", "training", "interview", "other_work", "meal", "rest"] as const;
const auxKo: Record<string, string> = {
  meeting: "회의중",
  away: "자리비움",
  training: "교육중",
  interview: "면담중",
  other_work: "타업무",
  meal: "식사중",
  rest: "휴식중",
  missed: "미응답",
};
const auxEn: Record<string, string> = {
  meeting: "Meeting",
  away: "Away",
  training: "Training",
  interview: "Interview",
  other_work: "Other work",
  meal: "Meal",
  rest: "Rest",
  missed: "Missed",
};

/** The label of a status: the aux reason's own word when in aux (e.g. 식사중). */
export function statusLabel(lang: Lang, status: string, reason?: string | null): string {
  if (status === "aux" && reason) return (lang === "ko" ? auxKo : auxEn)[reason] ?? reason;
  return (lang === "ko" ? statusKo : statusEn)[status] ?? status;
}

export function auxLabel(lang: Lang, reason: string): string {
  return (lang === "ko" ? auxKo : auxEn)[reason] ?? reason;
}
