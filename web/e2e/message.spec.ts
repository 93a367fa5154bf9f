// 문자발송 in a real browser: during a call the agent opens 문자 from the customer panel, sees the
// live byte counter switch SMS → LMS and refuse an emoji, then sends an AlimTalk whose #{변수}
// were prefilled from the caller and their latest order, and sees it 발송 in 문자 이력. A manager
// adds an AlimTalk template and uses it from the header's 문자발송.
import { expect, test } from "@playwright/test";
import { callIn, Server, shooter, signIn } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("message-");

test("an agent sends an AlimTalk with prefilled variables and sees it in the history", async ({ page }) => {
  await signIn(page, "agent09");
  await page.getByTestId("status-ready").click();
  await expect(page.getByTestId("agent-status")).toHaveText("대기");
  await callIn("main", "010-2345-6789");
  await expect(page.getByTestId("customer-name")).toHaveText("김영희");
  await page.getByTestId("call-answer").click();
  await expect(page.getByTestId("agent-status")).toHaveText("통화중");

  await page.getByTestId("customer-message").click();
  const dialog = page.getByTestId("msg-dialog");
  await expect(dialog.getByTestId("msg-to")).toHaveValue("010-2345-6789");
  await dialog.getByTestId("msg-body").fill("가".repeat(45));
  await expect(dialog.getByTestId("msg-counter")).toContainText("SMS");
  await expect(dialog.getByTestId("msg-counter")).toContainText("90 / 90 bytes");
  await dialog.getByTestId("msg-body").fill("가".repeat(45) + "a");
  await expect(dialog.getByTestId("msg-counter")).toContainText("LMS");
  await expect(dialog.getByTestId("msg-counter")).toContainText("91 / 2,000 bytes");
  await dialog.getByTestId("msg-body").fill("주문 감사합니다 😀");
  await expect(dialog.getByTestId("msg-problem")).toContainText("😀");
  await expect(dialog.getByTestId("msg-send")).toBeDisabled();
  await shot(page, "emoji-refused");

  await dialog.getByTestId("msg-tab-alimtalk").click();
  await dialog.getByTestId("msg-template").selectOption("ORDER_CONFIRM");
  await expect(dialog.getByTestId("msg-var-고객명")).toHaveValue("김영희");
  await expect(dialog.getByTestId("msg-var-주문번호")).toHaveValue("20261120-0000123");
  await expect(dialog.getByTestId("msg-preview")).toContainText("김영희님, 주문해 주셔서 감사합니다.");
  await expect(dialog.getByTestId("msg-preview")).toContainText("주문번호: 20261120-0000123");
  await shot(page, "alimtalk-preview");
  await dialog.getByTestId("msg-send").click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId("message-history").locator("li").first();
  await expect(row).toContainText("알림톡");
  await expect(row).toContainText("주문 확인");
  await expect(row).toContainText("20261120-0000123");
  await expect(row.getByTestId("message-status")).toHaveText("발송");
  await row.scrollIntoViewIfNeeded();
  await shot(page, "history");
  await page.getByTestId("call-hangup").click();
  await page.getByTestId("wrapup-done").click();
  await page.getByTestId("status-preparing").click();
});

test("a manager adds an AlimTalk template; an unfilled variable keeps 보내기 off", async ({ page }) => {
  await signIn(page, "manager01");
  await page.getByTestId("msg-open").click();
  const dialog = page.getByTestId("msg-dialog");
  await dialog.getByTestId("msg-tab-manage").click();
  await dialog.getByTestId("at-code").fill("EVENT_NOTICE");
  await dialog.getByTestId("at-name").fill("행사 안내");
  await dialog.getByTestId("at-body").fill("#{고객명}님, #{행사명} 행사가 #{기간} 진행됩니다.");
  await dialog.getByTestId("at-save").click();
  await expect(dialog.getByTestId("alimtalk-manager")).toContainText("EVENT_NOTICE");
  await shot(page, "template-manager");

  await dialog.getByTestId("msg-tab-alimtalk").click();
  await dialog.getByTestId("msg-to").fill("010-5555-1212");
  await dialog.getByTestId("msg-template").selectOption("EVENT_NOTICE");
  await dialog.getByTestId("msg-var-고객명").fill("박고객");
  await dialog.getByTestId("msg-var-행사명").fill("블랙프라이데이");
  await expect(dialog.getByTestId("msg-send")).toBeDisabled();
  await expect(dialog.getByTestId("msg-preview")).toContainText("#{기간}");
  await dialog.getByTestId("msg-var-기간").fill("11월 28일까지");
  await expect(dialog.getByTestId("msg-preview")).toContainText("블랙프라이데이 행사가 11월 28일까지 진행됩니다.");
  await dialog.getByTestId("msg-send").click();
  await expect(dialog).toBeHidden();
});
