// A shift's worth of trust, in a real browser against the real server: the note typed in
// wrap-up is never lost (another status, Alt+R, a reload), the customer panel follows the
// ringing call, a dead network is noticed and said, a failed dial says why, Escape closes what
// it should, unknown paths are not the desk, and English mode is English.
import { expect, test, type Page } from "@playwright/test";
import { accessible, BASE, callIn, CuttableNetwork, PORT, Server, shooter, signIn, telephony } from "./server";

const server = new Server();
const network = new CuttableNetwork(PORT + 7);
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await server.start();
  await network.start();
});
test.afterAll(async () => {
  await network.stop();
  await server.stop();
});

const shot = shooter("shift-");

async function login(page: Page, id: string, base = BASE) {
  await signIn(page, id, base);
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
}

async function token(page: Page): Promise<string> {
  return (await page.evaluate(() => localStorage.getItem("calldesk.token")))!;
}

async function consultation(page: Page, ticket: string): Promise<Record<string, unknown>> {
  const r = await fetch(`${BASE}/api/consultations/${ticket}`, { headers: { authorization: `Bearer ${await token(page)}` } });
  expect(r.status).toBe(200);
  return r.json();
}

/** Ready → a call from `from` rings → answered. */
async function onCall(page: Page, from: string): Promise<string> {
  await page.getByTestId("status-ready").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
  const call = await callIn("main", from);
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  return call.ticketId;
}

test("a note typed in wrap-up is kept when the agent presses 상담준비 instead of 완료", async ({ page }) => {
  await login(page, "agent03");
  // 김영희 calls: this consultation lands in her 상담이력 (another agent reads it below).
  const ticket = await onCall(page, "010-2345-6789");
  await page.getByTestId("call-hangup").click();
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await page.getByTestId("note-category").selectOption("배송");
  await page.getByTestId("note-content").fill("배송 지연 — 내일 도착 안내");
  // No 저장, no 완료: straight to another status.
  await page.getByTestId("status-preparing").click();
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
  await expect.poll(async () => (await consultation(page, ticket)).content).toBe("배송 지연 — 내일 도착 안내");
  expect((await consultation(page, ticket)).category).toBe("배송");
});

test("Alt+R in wrap-up keeps the note too", async ({ page }) => {
  await login(page, "agent04");
  const ticket = await onCall(page, "010-5555-0002");
  await page.getByTestId("call-hangup").click();
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await page.getByTestId("note-content").fill("Alt+R 로 넘어가도 남는 메모");
  await page.keyboard.press("Alt+r");
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
  await page.getByTestId("status-preparing").click();
  await expect.poll(async () => (await consultation(page, ticket)).content).toBe("Alt+R 로 넘어가도 남는 메모");
});

test("a reload mid-call brings back the note as typed, and saving keeps it", async ({ page }) => {
  await login(page, "agent05");
  const ticket = await onCall(page, "010-5555-0003");
  await page.getByTestId("note-category").selectOption("반품/교환");
  await page.getByTestId("note-result").selectOption("재연락 필요");
  await page.getByTestId("note-content").fill("반품 접수 — 회수 기사 배정 대기");
  await expect(page.getByTestId("note-state")).toContainText("임시저장됨");
  await page.reload();
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "on_call");
  await expect(page.getByTestId("note-content")).toHaveValue("반품 접수 — 회수 기사 배정 대기");
  await expect(page.getByTestId("note-category")).toHaveValue("반품/교환");
  await expect(page.getByTestId("note-result")).toHaveValue("재연락 필요");
  await shot(page, "reload-note-restored");
  await page.getByTestId("note-save").click();
  await expect(page.getByTestId("note-state")).toContainText("저장됨");
  const c = await consultation(page, ticket);
  expect(c.content).toBe("반품 접수 — 회수 기사 배정 대기");
  expect(c.result).toBe("재연락 필요");
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
});

test("the customer panel follows the ringing call: an unknown caller gets the new-customer form", async ({ page }) => {
  await login(page, "agent06");
  await page.getByTestId("customer-search").fill("김영희");
  await page.getByTestId("customer-search").press("Enter");
  await page.locator(".picks button").first().click();
  await expect(page.getByTestId("customer-name")).toHaveText("김영희");
  await page.getByTestId("status-ready").click();
  await callIn("main", "010-7777-0404");
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await expect(page.getByTestId("customer-form")).toBeVisible();
  await expect(page.getByTestId("customer-form-phones")).toHaveValue("010-7777-0404");
  await expect(page.getByTestId("customer-name")).toHaveCount(0);
  await expect(page.getByTestId("customer-message")).toHaveCount(0);
  await shot(page, "unknown-caller-new-form");
  await page.getByTestId("call-answer").click();
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
});

test("a dead network shows the banner within seconds, refuses actions with the reason, and leaves no stale notice", async ({ page }) => {
  await login(page, "agent07", network.base);
  await onCall(page, "010-5555-0005");
  network.cutNetwork();
  await expect(page.getByTestId("connection-banner")).toBeVisible({ timeout: 8000 });
  await expect(page.getByTestId("call-hangup")).toBeDisabled();
  await page.keyboard.press("Alt+h");
  await expect(page.locator(".notice.error")).toContainText("연결이 끊겨");
  await shot(page, "offline-banner");
  network.restore();
  await expect(page.getByTestId("connection-banner")).toBeHidden({ timeout: 20_000 });
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "on_call");
  await expect(page.locator(".notice.error")).toHaveCount(0);
  await page.getByTestId("call-hangup").click();
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
});

test("a failed dial says why and leaves 처리결과 to the agent", async ({ page }) => {
  await login(page, "agent08");
  await page.getByTestId("dial-open").click();
  await page.getByTestId("dial-number").fill("02-555-0101");
  await page.getByTestId("dial-submit").click();
  await expect(page.getByTestId("agent-status")).toHaveText("발신중");
  const ticket = await page.getByTestId("note-ticket").textContent();
  const live = await (
    await fetch(`${BASE}/api/consultations/${ticket}`, { headers: { authorization: `Bearer ${await token(page)}` } })
  ).json();
  expect(await telephony(`/api/telephony/calls/${live.callId}/failed`, { reason: "busy" })).toBe(200);
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await expect(page.getByTestId("dial-failed")).toHaveText("발신 실패: 통화중");
  await expect(page.getByTestId("note-result")).toHaveValue("");
  await shot(page, "dial-failed");
  await page.getByTestId("wrapup-done").click();
  const c = await consultation(page, ticket!);
  expect(c.outcome).toBe("busy");
  expect(c.result).toBeNull();
  await page.getByTestId("status-preparing").click();
});

test("Escape closes 상담 상세 and the header lists; unknown paths are not the desk", async ({ page }) => {
  await login(page, "agent03");
  await page.getByTestId("menu-mycons").click();
  await page.getByTestId("mycons-list").locator("tr[data-ticket]").first().click();
  await expect(page.getByTestId("cons-detail")).toBeVisible();
  await expect(page.getByTestId("detail-when")).toContainText(/\d{4}-\d{2}-\d{2}/);
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("cons-detail")).toHaveCount(0);
  await page.getByRole("button", { name: /전체 상담사/ }).click();
  await expect(page.locator(".menu")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator(".menu")).toHaveCount(0);
  for (const p of ["/manager", "/settings"]) {
    await page.goto(`${BASE}${p}`);
    await expect(page.getByTestId("not-found")).toBeVisible();
    await accessible(page, `not found ${p}`);
    await expect(page.getByTestId("agent-status")).toHaveCount(0);
  }
  await shot(page, "not-found");
});

test("English mode is English: ringing title, missed notice, no matches; another agent's note is read-only", async ({ page }) => {
  await login(page, "agent09");
  await page.getByRole("button", { name: "EN" }).click();
  await page.getByTestId("customer-search").fill("없는사람이름");
  await page.getByTestId("customer-search").press("Enter");
  await expect(page.locator(".notice.info")).toHaveText("No matches");
  await page.getByTestId("status-ready").click();
  await callIn("main", "010-5555-0009");
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await expect.poll(() => page.title(), { timeout: 3000 }).toContain("Incoming call");
  // The English header still fits 1366 px while ringing, every control inside the window.
  const out = await page.getByTestId("logout").boundingBox();
  expect(out!.x + out!.width).toBeLessThanOrEqual(1366);
  await accessible(page, "English, ringing");
  // Let it ring out: the missed-call notice is in English too.
  await expect(page.getByTestId("idle")).toContainText("Not answered", { timeout: 20_000 });
  await shot(page, "english-missed");

  // agent03's consultation (김영희's call) seen by agent09 in her 상담이력: shown, not editable.
  await page.getByRole("button", { name: "한국어" }).click();
  await page.getByTestId("status-preparing").click();
  await page.getByTestId("customer-search").fill("김영희");
  await page.getByTestId("customer-search").press("Enter");
  await page.locator(".picks button").first().click();
  await page.getByTestId("customer-history").locator("tr").first().click();
  await expect(page.getByTestId("cons-detail")).toBeVisible();
  await expect(page.getByTestId("cons-detail")).toContainText("읽기");
  await expect(page.getByTestId("cons-detail").locator("textarea")).toHaveCount(0);
  await expect(page.getByTestId("detail-content")).toHaveAttribute("aria-readonly", "true");
  await expect(page.getByTestId("detail-content")).toContainText("배송 지연");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("cons-detail")).toHaveCount(0);
});
