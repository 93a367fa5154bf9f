// The call screen in a real browser: the centre holds the call card, the note editor and the
// caller's history; hold / resume, transfer to a ready agent, the keypad, the wrap-up countdown
// and the summary after 완료; 상담 현황 with headings and search; agent lists in state order;
// and WCAG AA (axe-core) on every state of the desk, at 1366 and 1920 px.
import { expect, test, type Page } from "@playwright/test";
import { accessible, BASE, callIn, Server, shooter, signIn, telephony } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("callscreen-");

async function login(page: Page, id: string) {
  await signIn(page, id);
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
}

async function token(page: Page): Promise<string> {
  return (await page.evaluate(() => localStorage.getItem("calldesk.token")))!;
}

test("hold and resume: the card says so, the timer runs, the consultation counts it", async ({ page }) => {
  // The strict Content-Security-Policy must not block anything the desk does.
  const blocked: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
  });
  await login(page, "agent01");
  await accessible(page, "desk, preparing");
  await page.getByTestId("status-ready").click();
  const call = await callIn("main", "010-2345-6789");
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await accessible(page, "ringing");
  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("note-content")).toBeFocused();
  await page.keyboard.type("주소 변경 문의");
  await page.getByTestId("call-hold").click();
  await expect(page.getByTestId("call-held")).toBeVisible();
  await expect(page.getByTestId("call-hold")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("call-hold")).toContainText("보류 해제 · 00:02", { timeout: 4000 });
  await accessible(page, "on call, on hold");
  await shot(page, "on-hold");
  await page.getByTestId("call-hold").click();
  await expect(page.getByTestId("call-held")).toHaveCount(0);
  await page.getByTestId("call-keypad").click();
  await page.getByTestId("key-1").click();
  await page.getByTestId("key-#").click();
  await expect(page.getByTestId("keypad")).toContainText("1#");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("keypad")).toHaveCount(0);
  await expect(page.locator(".notice.error")).toHaveCount(0);
  await page.getByTestId("call-hangup").click();
  await expect(page.getByTestId("wrap-left")).toContainText(/후처리 남은 시간\s*0[23]:\d\d/);
  await accessible(page, "wrap-up");
  await page.getByTestId("note-result").selectOption("완료");
  await page.getByTestId("wrapup-done").click();
  // After 완료: a short summary of the call just finished.
  await expect(page.getByTestId("last-summary")).toContainText("김*희"); // lists mask names (PIPA)
  await expect(page.getByTestId("last-summary")).toContainText("완료");
  await accessible(page, "idle after a call");
  const r = await fetch(`${BASE}/api/consultations/${call.ticketId}`, { headers: { authorization: `Bearer ${await token(page)}` } });
  const c = await r.json();
  expect(c.holdS).toBeGreaterThanOrEqual(2);
  expect(c.content).toBe("주소 변경 문의");
  await page.getByTestId("status-preparing").click();
  expect(blocked).toEqual([]);
});

test("transfer to a ready agent: I go to wrap-up, they ring with where it came from", async ({ page, browser }) => {
  await login(page, "agent02");
  const other = await browser.newContext();
  const them = await other.newPage();
  await login(them, "agent03");
  await page.getByTestId("status-ready").click();
  await callIn("main", "010-3456-7890");
  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await them.getByTestId("status-ready").click();
  await expect(them.getByTestId("agent-status")).toHaveText("대기");
  await page.getByTestId("call-transfer").click();
  await expect(page.getByTestId("transfer-dialog")).toBeVisible();
  await accessible(page, "transfer dialog");
  await shot(page, "transfer-dialog");
  await page.getByTestId("transfer-dialog").getByRole("button", { name: /박지훈/ }).click();
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await expect(them.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await expect(them.getByTestId("call-transferred")).toContainText("이관된 전화");
  await expect(them.getByTestId("call-number")).toHaveText("010-3456-7890");
  await them.getByTestId("call-answer").click();
  await expect(them.getByTestId("agent-status")).toHaveText("통화중");
  await shot(them, "transferred-call");
  await them.getByTestId("call-hangup").click();
  await them.getByTestId("wrapup-done").click();
  await them.getByTestId("status-preparing").click();
  await other.close();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
});

test("상담 현황 has headings, names the customer, and searches; lists are in state order with me marked", async ({ page }) => {
  await login(page, "agent01");
  await page.getByTestId("menu-mycons").click();
  const list = page.getByTestId("mycons-list");
  await expect(list.locator("thead")).toContainText("고객");
  await expect(list.locator("thead")).toContainText("상담유형");
  await expect(list).toContainText("김*희");
  await page.getByTestId("mycons-search").fill("없는말");
  await expect(page.getByText("검색 결과가 없습니다")).toBeVisible();
  await page.getByTestId("mycons-search").fill("완료");
  await expect(list.locator("tbody tr")).toHaveCount(1);
  await accessible(page, "상담 현황");
  await page.getByRole("button", { name: /전체 상담사/ }).click();
  const rows = page.locator(".menu tr[data-agent]");
  await expect(page.locator(".menu tr.me-row")).toContainText("(나)");
  await expect(page.getByTestId("agents-logged-out")).toBeVisible();
  // Logged-out agents come last.
  const states = await rows.locator(".badge").allTextContents();
  const firstOut = states.indexOf("로그아웃");
  expect(firstOut).toBeGreaterThan(-1);
  expect(states.slice(firstOut).every((s) => s === "로그아웃")).toBe(true);
  await page.keyboard.press("Escape");
});

test("상담이력 marks an abandoned call as 포기", async ({ page }) => {
  await login(page, "agent06");
  // Nobody is ready: 김영희 waits, then hangs up.
  const call = await callIn("main", "010-2345-6789");
  expect(await telephony(`/api/telephony/calls/${call.callId}/hangup`)).toBe(200);
  await page.getByTestId("customer-search").fill("김영희");
  await page.getByTestId("customer-search").press("Enter");
  await page.locator(".picks button").first().click();
  const row = page.getByTestId("customer-history").locator("tr").first();
  await expect(row.getByTestId("outcome-mark")).toHaveText("포기");
});

for (const [w, h] of [
  [1366, 768],
  [1920, 1080],
] as const) {
  test(`the desk at ${w}×${h}: ringing, on call, wrap-up, idle`, async ({ browser }) => {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "ko-KR", timezoneId: "Asia/Seoul" });
    const page = await ctx.newPage();
    await login(page, w === 1366 ? "agent04" : "agent05");
    await page.getByTestId("status-ready").click();
    await callIn("main", "010-2345-6789");
    await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
    await shot(page, `${w}-ringing`);
    await page.getByTestId("call-answer").click();
    await page.getByTestId("note-category").selectOption("배송");
    await page.getByTestId("note-content").fill("배송 지연 문의. 택배사 확인 결과 내일 오전 도착 예정으로 안내함.");
    // Nothing spills out of the window: the note box is large and fully visible.
    const box = (await page.getByTestId("note-content").boundingBox())!;
    expect(box.height).toBeGreaterThan(h * 0.25);
    expect(box.y + box.height).toBeLessThanOrEqual(h);
    await shot(page, `${w}-on-call`);
    // The caller's earlier calls read "유형 · 결과" with nothing dangling when a field is empty.
    const kinds = await page.getByTestId("caller-history").locator("td:last-child").allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    for (const k of kinds) expect(k.trim(), k).not.toMatch(/^·|·$/);
    if (w === 1920) expect(kinds.map((k) => k.trim())).toContain("배송 · 완료");
    await page.getByTestId("call-hangup").click();
    await page.getByTestId("note-result").selectOption("완료");
    await shot(page, `${w}-wrap-up`);
    await page.getByTestId("wrapup-done").click();
    await expect(page.getByTestId("last-summary")).toBeVisible();
    await shot(page, `${w}-idle`);
    await accessible(page, `idle at ${w}`);
    await page.getByTestId("status-preparing").click();
    await ctx.close();
  });
}
