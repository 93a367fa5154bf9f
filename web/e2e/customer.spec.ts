// The right tab's 고객정보 in a real browser: a known caller pops with history and memos, an
// unknown caller is saved during the call and pops next time, a blacklisted caller is flagged; a
// manager answers an access request (열람) and an erasure request (삭제) under PIPA.
// Each test leaves its agent in 상담준비 so the next test's calls do not ring an absent desk.
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { BASE, callIn, Server, shooter, signIn } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("customer-");

async function readyDesk(page: Page, id: string) {
  await signIn(page, id);
  await page.getByTestId("status-ready").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
}

async function takeAndFinish(page: Page) {
  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
}

test("a known caller pops with memos and history", async ({ page }) => {
  await readyDesk(page, "agent07");
  await callIn("main", "010-2345-6789");
  await expect(page.getByTestId("customer-name")).toHaveText("김영희");
  await shot(page, "known-caller-ringing");
  await takeAndFinish(page);
  await callIn("order", "+82 10 2345 6789");
  await expect(page.getByTestId("customer-name")).toHaveText("김영희");
  await page.getByTestId("memo-input").fill("배송 관련 재문의 고객 — 친절 응대 요망");
  await page.getByTestId("memo-input").press("Enter");
  await expect(page.getByTestId("memo-list")).toContainText("배송 관련 재문의 고객");
  await expect(page.getByTestId("memo-list")).toContainText("조도윤");
  await expect(page.getByTestId("customer-history").locator("tr")).toHaveCount(1);
  await shot(page, "known-caller-memo-history");
  await takeAndFinish(page);
  await page.getByTestId("status-preparing").click();
});

test("an unknown caller is saved during the call and pops next time", async ({ page }) => {
  await readyDesk(page, "agent08");
  await callIn("main", "010-3131-2424");
  await expect(page.getByTestId("customer-form")).toBeVisible();
  await expect(page.getByTestId("customer-form-phones")).toHaveValue("010-3131-2424");
  // Typing in the form while it rings and answering with Alt+A: the cursor stays in the form
  // (the note takes it only when the agent is not typing elsewhere), nothing lands in the note.
  await page.getByTestId("customer-form-email").fill("not-an");
  await page.keyboard.press("Alt+KeyA");
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await expect(page.getByTestId("customer-form-email")).toBeFocused();
  await page.keyboard.type("-email");
  await expect(page.getByTestId("customer-form-email")).toHaveValue("not-an-email");
  await expect(page.getByTestId("note-content")).toHaveValue("");
  await page.getByTestId("customer-form-save").click();
  await expect(page.getByTestId("error-name")).toBeVisible();
  await expect(page.getByTestId("error-email")).toBeVisible();
  await shot(page, "new-customer-errors");
  await page.getByTestId("customer-form-name").fill("최신규");
  await page.getByTestId("customer-form-email").fill("new@example.com");
  await page.getByTestId("customer-form-save").click();
  await expect(page.getByTestId("customer-name")).toHaveText("최신규");
  await expect(page.locator(".call-customer")).toContainText("최신규");
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await callIn("return", "01031312424");
  await expect(page.getByTestId("customer-name")).toHaveText("최신규");
  await expect(page.getByTestId("customer-history").locator("tr")).toHaveCount(1);
  await shot(page, "new-customer-pops");
  await takeAndFinish(page);
  await page.getByTestId("status-preparing").click();
});

test("a blacklisted caller is flagged on the ringing call", async ({ page }) => {
  await readyDesk(page, "agent09");
  await page.getByTestId("customer-search").fill("박순자");
  await page.getByTestId("customer-search").press("Enter");
  // The search list masks names and numbers; the record shows them whole.
  await page.getByRole("button", { name: /박\*자/ }).click();
  await expect(page.getByTestId("customer-name")).toHaveText("박순자");
  // A risky one-click action: it asks first, and not without a reason.
  await page.getByTestId("blacklist-toggle").click();
  await expect(page.getByTestId("confirm-dialog")).toContainText("박순자");
  await expect(page.getByTestId("confirm-ok")).toBeDisabled();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("confirm-dialog")).toHaveCount(0);
  await expect(page.getByTestId("customer-blacklisted")).toHaveCount(0);
  await page.getByTestId("blacklist-toggle").click();
  await page.getByTestId("confirm-reason").fill("반복적인 폭언");
  await page.getByTestId("confirm-ok").click();
  await expect(page.getByTestId("customer-blacklisted")).toBeVisible();
  await callIn("main", "010-4567-8901");
  await expect(page.getByTestId("call-blacklisted")).toContainText("반복적인 폭언");
  await shot(page, "blacklisted-ringing");
});

test("an answer is found by a Korean stem and copied into the note", async ({ page }) => {
  await readyDesk(page, "agent10");
  await callIn("main", "010-6789-0123");
  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");
  await page.keyboard.press("Alt+KeyT");
  await expect(page.getByTestId("template-search")).toBeFocused();
  await page.getByTestId("template-search").fill("배송비 얼마");
  await expect(page.getByTestId("template-list").locator("li").first()).toContainText("배송비는 얼마인가요?");
  await shot(page, "template-search");
  await page.getByTestId("template-search").press("Enter");
  await expect(page.getByTestId("note-content")).toHaveValue(/3만원 이상 구매 시 무료배송/);
  await page.getByTestId("template-search").fill("반품");
  await expect(page.getByTestId("template-list").locator("li").first()).toContainText("반품");
  const answer = (await page.getByTestId("template-list").locator(".tpl-a").first().textContent()) ?? "";
  await page.getByTestId("template-copy").first().click();
  const note = () => page.getByTestId("note-content").inputValue();
  await expect.poll(note).toContain(answer);
  expect(await note()).toContain("3만원 이상 구매 시 무료배송");
  await shot(page, "template-copied");
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
});

test("주문정보 shows the caller's orders and looks one up by number", async ({ page }) => {
  await readyDesk(page, "agent11");
  await callIn("main", "010-2345-6789");
  await page.getByTestId("menu-orders").click();
  await expect(page.getByTestId("order-card")).toHaveCount(3);
  await expect(page.getByTestId("order-card").first()).toContainText("20261120-0000123");
  await expect(page.getByTestId("order-status").first()).toHaveText("배송중");
  await expect(page.getByTestId("order-tracking").first()).toContainText("563812345678");
  await shot(page, "orders-of-caller");
  await page.getByTestId("order-no").fill("20261122-0000201");
  await page.getByTestId("order-search").click();
  await expect(page.getByTestId("order-card")).toHaveCount(1);
  await expect(page.getByTestId("order-status")).toHaveText("입금전");
  await page.getByTestId("order-no").fill("없는주문");
  await page.getByTestId("order-search").click();
  await expect(page.getByTestId("orders-error")).toContainText("찾을 수 없습니다");
  await shot(page, "order-lookup");
  await page.getByTestId("call-answer").click();
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
});

test("a manager adds an answer that agents then find", async ({ page }) => {
  await signIn(page, "manager01");
  await page.getByTestId("menu-templates").click();
  await page.getByTestId("template-new").click();
  await page.getByTestId("template-form-save").click();
  await expect(page.getByTestId("template-form")).toContainText("분류는");
  await page.getByTestId("template-form-category").fill("배송");
  await page.getByTestId("template-form-question").fill("새벽배송 지역이 어디인가요?");
  await page.getByTestId("template-form-answer").fill("서울 전 지역과 경기 일부 지역에서 새벽배송을 받으실 수 있습니다.");
  await page.getByTestId("template-form-save").click();
  await page.getByTestId("template-search").fill("새벽배송");
  await expect(page.getByTestId("template-list").locator("li")).toHaveCount(1);
  await shot(page, "manager-template");
  const res = await fetch(`${BASE}/api/templates?q=${encodeURIComponent("새벽")}`, {
    headers: { authorization: `Bearer ${await page.evaluate(() => localStorage.getItem("calldesk.token"))}` },
  });
  expect((await res.json()).items[0].question).toBe("새벽배송 지역이 어디인가요?");
});

test("a manager answers a customer's access request and erases them (PIPA)", async ({ page }) => {
  await signIn(page, "manager01");
  await page.getByTestId("customer-search").fill("서지아");
  await page.getByTestId("customer-search").press("Enter");
  await page.getByTestId("customer-picks").getByRole("button").first().click();
  await expect(page.getByTestId("customer-name")).toHaveText("서지아");
  // 열람 요청: a file with everything held on them.
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId("customer-access-export").click()]);
  const held = JSON.parse(readFileSync((await file.path())!, "utf8"));
  expect(held.customer.name).toBe("서지아");
  expect(held.customer.phone).toBe("01022334455");
  // 삭제 요청: asks first, with the grounds, then the person is gone from the search.
  await page.getByTestId("customer-erase").click();
  await expect(page.getByTestId("confirm-dialog")).toContainText("서지아");
  await expect(page.getByTestId("confirm-ok")).toBeDisabled();
  await page.getByTestId("confirm-reason").fill("고객 전화 요청 (11/30 14:20)");
  await shot(page, "erase-confirm");
  await page.getByTestId("confirm-ok").click();
  await expect(page.getByTestId("customer-name")).toHaveCount(0);
  await page.getByTestId("customer-search").fill("서지아");
  await page.getByTestId("customer-search").press("Enter");
  await expect(page.getByTestId("customer-picks").getByRole("button")).toHaveCount(0);
});
