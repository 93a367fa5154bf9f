// Reservations in a real browser: book one during a call, see it in 예약 현황, click-to-call it,
// and complete it with the call's note.
import { expect, test } from "@playwright/test";
import { BASE, callIn, Server, signIn, telephony } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

test("book during a call, click-to-call it, complete it with the note", async ({ page }) => {
  await signIn(page, "agent12");
  await page.getByTestId("status-ready").click();
  await callIn("order", "010-3456-7890");
  await page.getByTestId("call-answer").click();
  await page.getByTestId("resv-open").click();
  await expect(page.getByTestId("resv-number")).toHaveValue("010-3456-7890");
  await page.getByTestId("resv-submit").click();
  await expect(page.getByTestId("resv-count")).toHaveText("1");
  await page.screenshot({ path: "test-results/shots/resv-01-booked.png" });
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();

  await page.getByRole("button", { name: /예약 현황/ }).click();
  await expect(page.getByTestId("resv-list")).toContainText("이철수");
  await page.screenshot({ path: "test-results/shots/resv-02-summary.png" });
  await page.getByTestId("resv-list").locator("tr").first().getByTestId("resv-call").click();
  await expect(page.getByTestId("agent-status")).toHaveText("발신중");
  await expect(page.getByTestId("customer-name")).toHaveText("이철수");
  const token = await page.evaluate(() => localStorage.getItem("calldesk.token"));
  const live = await (await fetch(`${BASE}/api/consultations?includeLive=true`, { headers: { authorization: `Bearer ${token}` } })).json();
  const dialing = live.items.find((c: { outcome: string }) => c.outcome === "live");
  expect(await telephony(`/api/telephony/calls/${dialing.callId}/answered`)).toBe(200);
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await page.getByTestId("note-content").fill("예약 콜백 — 배송 일정 안내 완료");
  await page.getByTestId("note-save").click();
  await expect(page.getByTestId("resv-count")).toHaveText("0");
  await page.getByTestId("menu-resv").click();
  await page.getByTestId("resv-filter-status").selectOption("done");
  await expect(page.getByTestId("my-resv")).toContainText("010-3456-7890");
  await page.screenshot({ path: "test-results/shots/resv-03-done.png" });
});

test("a manager previews a bulk file with its errors and imports the valid rows", async ({ page }) => {
  await signIn(page, "manager01");
  await page.getByTestId("menu-resv").click();
  const csv = [
    "전화번호,이름,예약일시,메모,상담사",
    "1055551234,대량고객1,2030-01-10 10:00,신상품 안내,agent01",
    "010-5555-2345,대량고객2,2030-01-10 10:30,,",
    "12,잘못된번호,2030-01-10 11:00,,",
    "010-5555-3456,없는상담사,2030-01-10 11:30,,nobody",
  ].join("\n");
  await page.getByTestId("bulk-file").setInputFiles({ name: "list.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByTestId("bulk-preview").click();
  await expect(page.getByTestId("bulk-result")).toContainText("정상 2");
  await expect(page.getByTestId("bulk-errors")).toContainText("4행");
  await expect(page.getByTestId("bulk-errors")).toContainText("없는 상담사");
  await expect(page.getByTestId("bulk-result")).toContainText("10:00", { useInnerText: true });
  await page.screenshot({ path: "test-results/shots/resv-04-bulk-preview.png" });
  await page.getByTestId("bulk-import").click();
  await expect(page.locator(".notice.info")).toContainText("2건 등록");
});

test("a manager books for an agent and edits a pending reservation", async ({ page }) => {
  await signIn(page, "manager01");
  await page.getByTestId("resv-open").click();
  await page.getByTestId("resv-number").fill("01077778888");
  await page.getByTestId("resv-owner").selectOption({ label: "최수아 (2004)" });
  await page.getByTestId("resv-submit").click();
  await expect(page.locator(".notice.info")).toContainText("예약했습니다");
  const token = await page.evaluate(() => localStorage.getItem("calldesk.token"));
  const all = await (await fetch(`${BASE}/api/reservations?mine=false`, { headers: { authorization: `Bearer ${token}` } })).json();
  const booked = all.items.find((r: { number: string }) => r.number === "01077778888");
  expect(booked.ownerId).toBe(4);
  // The manager's own reservation is edited in 예약현황.
  await page.getByTestId("resv-open").click();
  await page.getByTestId("resv-number").fill("01077779999");
  await page.getByTestId("resv-submit").click();
  await page.getByTestId("menu-resv").click();
  await page.getByTestId("resv-edit").first().click();
  await page.getByTestId("resv-edit-form").locator("textarea").fill("고객 요청으로 시간 변경");
  await page.getByTestId("resv-edit-save").click();
  await expect(page.locator(".notice.info").last()).toContainText("저장");
  const mine = await (await fetch(`${BASE}/api/reservations?mine=true`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(mine.items.find((r: { number: string }) => r.number === "01077779999").memo).toBe("고객 요청으로 시간 변경");
});

test("a manager keeps the do-not-call list and a dial to a listed number is refused", async ({ page }) => {
  await signIn(page, "manager01");
  await page.getByTestId("menu-resv").click();
  await page.getByTestId("dnc-toggle").click();
  await page.getByTestId("dnc-number").fill("01066667777");
  await page.getByTestId("dnc-reason").fill("고객 요청: 광고 전화 거부");
  await page.getByTestId("dnc-add").click();
  await expect(page.getByTestId("dnc-list")).toContainText("010-6666-7777");
  await expect(page.getByTestId("dnc-list")).toContainText("송미경");
  await page.screenshot({ path: "test-results/shots/resv-05-dnc.png" });
  await page.getByTestId("dial-open").click();
  await page.getByTestId("dial-number").fill("010-6666-7777");
  await page.getByTestId("dial-submit").click();
  await expect(page.locator(".notice.error")).toContainText("수신거부");
  await page.keyboard.press("Escape");
  await page.getByTestId("dnc-list").getByRole("button", { name: "삭제" }).click();
  await expect(page.getByTestId("dnc")).toContainText("수신거부 번호가 없습니다.");
});

test("an agent books from the customer panel and from 예약현황, and filters by type and day", async ({ page }) => {
  await signIn(page, "agent10");
  await page.getByTestId("customer-search").fill("김영희");
  await page.getByTestId("customer-search").press("Enter");
  await page.getByRole("button", { name: /김\*희/ }).click();
  await page.getByTestId("customer-reserve").click();
  await expect(page.getByTestId("resv-number")).toHaveValue("010-2345-6789");
  await page.getByTestId("resv-submit").click();
  await expect(page.locator(".notice.info")).toContainText("예약했습니다");

  // The day after tomorrow, 10:00 in Seoul, typed into the 예약현황 menu's own form (not
  // tomorrow: after 23:00 in Seoul the first booking's default time is already tomorrow).
  const kst = new Date(Date.now() + 9 * 3600_000 + 48 * 3600_000);
  const day = kst.toISOString().slice(0, 10);
  await page.getByTestId("menu-resv").click();
  await page.getByTestId("resv-add").click();
  await page.getByTestId("resv-number").fill("010-4444-1212");
  await page.getByTestId("resv-at").fill(`${day}T10:00`);
  await page.getByTestId("resv-submit").click();
  const list = page.getByTestId("my-resv");
  await expect(list).toContainText("010-4444-1212");
  await expect(list).toContainText("010-2345-6789");
  await page.getByTestId("resv-filter-date").fill(day);
  await expect(list).not.toContainText("010-2345-6789");
  await expect(list).toContainText("010-4444-1212");
  await page.screenshot({ path: "test-results/shots/resv-06-filters.png" });
  await page.getByTestId("resv-filter-type").selectOption("bulk");
  await expect(list).toContainText("미처리 예약이 없습니다.");
});
