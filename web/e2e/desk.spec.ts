// The desk in a real browser against the real server: the inbound loop, another agent's view,
// outbound dialing, a server restart, the language switch. A screenshot of every step goes to
// test-results/shots/.
import { expect, test, type Page } from "@playwright/test";
import { BASE, callIn, Server, shooter, signIn, telephony } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("");

async function login(page: Page, id: string) {
  await signIn(page, id);
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
}

test("a wrong password is refused in Korean", async ({ page }) => {
  await page.goto(`${BASE}/login`);
  await page.getByTestId("login-id").fill("agent01");
  await page.getByTestId("login-password").fill("wrong");
  await page.getByTestId("login-submit").click();
  await expect(page.getByTestId("login-error")).toContainText("비밀번호");
  await shot(page, "login-error");
});

test("the whole inbound loop, and another agent sees it live", async ({ page, browser }) => {
  await login(page, "agent01");
  await shot(page, "desk-preparing");
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await login(page2, "agent02");
  const before = Number(await page2.getByTestId("agents-in-service-count").textContent());

  await page.getByTestId("status-ready").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
  // agent02's 상담중 상담사 count follows on the floor tick (once a second, sent to the floor
  // over 800 ms): within about two seconds.
  await expect(page2.getByTestId("agents-in-service-count")).toHaveText(String(before + 1), { timeout: 2500 });
  await shot(page2, "agent02-sees-agent01-ready");
  await shot(page, "desk-ready");

  const call = await callIn("main", "010-2345-6789");
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await expect(page.getByTestId("call-number")).toHaveText("010-2345-6789");
  await expect(page.getByTestId("agent-status")).toHaveText("수신중");
  await shot(page, "ringing");

  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await expect(page.getByTestId("call-hangup")).toBeVisible();
  await page2.getByRole("button", { name: /상담중 상담사/ }).click();
  await expect(page2.locator('tr[data-agent="1"]')).toContainText("통화중", { timeout: 1000 });
  await shot(page2, "agent02-list-on-call");
  await page.getByTestId("note-content").fill("배송 지연 문의 — 내일 도착 예정으로 안내");
  await page.getByTestId("note-save").click();
  await expect(page.locator(".notice.info")).toContainText(call.ticketId);
  await shot(page, "on-call-note-saved");

  await page.getByTestId("call-hangup").click();
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await expect(page.getByTestId("wrapup-done")).toBeEnabled();
  await shot(page, "wrap-up");
  await page.getByTestId("wrapup-done").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
  await expect(page.getByTestId("cons-count")).toHaveText("1");
  await page.getByTestId("menu-mycons").click();
  // Lists mask the customer's number (PIPA); the detail shows it whole.
  await expect(page.locator(`tr[data-ticket="${call.ticketId}"]`)).toContainText("010-****-6789");
  await shot(page, "back-to-ready-consultation-listed");

  // The detail popup of my own consultation is editable.
  await page.locator(`tr[data-ticket="${call.ticketId}"]`).click();
  await expect(page.getByTestId("detail-content")).toHaveValue("배송 지연 문의 — 내일 도착 예정으로 안내");
  await expect(page.getByTestId("detail-save")).toBeVisible();
  await shot(page, "consultation-detail");
  await page.keyboard.press("Escape");
  await other.close();
});

test("the agent lists load their rows when opened and filter them on the server", async ({ page, browser }) => {
  await login(page, "agent07");
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await login(page2, "agent08");
  await page2.getByTestId("status-ready").click();
  await page.getByRole("button", { name: /전체 상담사/ }).click();
  const list = page.getByTestId("agent-list-all");
  await expect(list.locator("tr[data-agent]").first()).toBeVisible();
  const all = await list.locator("tr[data-agent]").count();
  expect(all).toBeGreaterThan(5);
  // A name fragment: only the matching people.
  await page.getByTestId("agent-list-search").fill("윤지");
  await expect(list.locator("tr[data-agent]")).toHaveCount(1);
  await expect(list.locator("tr[data-agent]")).toContainText("윤지민");
  await page.getByTestId("agent-list-search").fill("");
  await expect(list.locator("tr[data-agent]")).toHaveCount(all);
  // A status: only 대기 rows, and the list follows agent08 leaving it.
  await page.getByTestId("agent-list-state").selectOption("ready");
  await expect(list.locator('tr[data-agent="8"]')).toContainText("대기");
  const states = await list.locator("tr[data-agent] .badge").allTextContents();
  expect(states.every((s) => s === "대기")).toBe(true);
  await shot(page, "agent-list-ready-filter");
  await page2.getByTestId("status-preparing").click();
  await expect(list.locator('tr[data-agent="8"]')).toHaveCount(0);
  // Nobody matches: the list says so.
  await page.getByTestId("agent-list-search").fill("없는사람");
  await expect(list).toContainText("조건에 맞는 상담사가 없습니다");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("agent-list-all")).toHaveCount(0);
  await other.close();
});

test("outbound: dialing then on call", async ({ page }) => {
  await login(page, "agent03");
  await page.getByTestId("dial-open").click();
  await page.getByTestId("dial-number").pressSequentially("01055556666");
  await expect(page.getByTestId("dial-number")).toHaveValue("010-5555-6666");
  await shot(page, "dial-popup");
  await page.getByTestId("dial-submit").click();
  await expect(page.getByTestId("agent-status")).toHaveText("발신중");
  await expect(page.getByTestId("call-card")).toHaveAttribute("data-state", "dialing");
  await shot(page, "dialing");
  const r = await fetch(`${BASE}/api/consultations?includeLive=true`, {
    headers: { authorization: `Bearer ${await page.evaluate(() => localStorage.getItem("calldesk.token"))}` },
  });
  const live = (await r.json()).items as { callId: number }[];
  expect(await telephony(`/api/telephony/calls/${live[0].callId}/answered`)).toBe(200);
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await shot(page, "outbound-on-call");
  await page.getByTestId("call-hangup").click();
  await expect(page.getByTestId("agent-status")).toHaveText("후처리");
  await page.getByTestId("wrapup-done").click();
  await expect(page.getByTestId("cons-count")).toHaveText("1");
});

test("a server restart shows the banner and the desk recovers", async ({ page }) => {
  await login(page, "agent04");
  await page.getByTestId("status-ready").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
  await server.stop();
  await expect(page.getByTestId("connection-banner")).toBeVisible();
  await shot(page, "server-down-banner");
  await server.start();
  await expect(page.getByTestId("connection-banner")).toBeHidden({ timeout: 15_000 });
  // After a restart agents come back logged out; the reconnecting desk logs in: 상담준비.
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
  await shot(page, "recovered");
  await page.getByTestId("status-ready").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
});

test("the status shortcuts and the English switch", async ({ page }) => {
  await login(page, "agent05");
  await page.getByTestId("status-other").click();
  await shot(page, "other-menu");
  await page.getByTestId("aux-meal").click();
  await expect(page.getByTestId("agent-status")).toHaveText("식사중");
  await page.getByTestId("lang-switch").click();
  await expect(page.getByTestId("agent-status")).toHaveText("Meal");
  await expect(page.getByTestId("status-ready")).toHaveText("Ready");
  await shot(page, "english");
  await page.reload();
  await expect(page.getByTestId("status-ready")).toHaveText("Ready");
  await page.getByTestId("lang-switch").click();
  await expect(page.getByTestId("status-ready")).toHaveText("대기");
  await page.getByTestId("logout").click();
  await expect(page.getByTestId("login-submit")).toBeVisible();
  await shot(page, "logged-out");
});
