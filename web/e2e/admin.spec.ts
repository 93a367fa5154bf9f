// The admin console in a real browser against the real server: the manager creates an agent and
// a service in /admin; in a second browser the new agent signs in, goes 대기 and answers a call of
// the new service; the manager deactivates them and their desk shows it was signed out. Agents get
// a managers-only page. Every section is screenshotted at 1366 and 1920 px and checked with axe.
import { expect, test, type Page } from "@playwright/test";
import { accessible, BASE, callIn, Server, shooter, signIn } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("admin-");

async function openAdmin(page: Page) {
  await signIn(page, "manager01");
  await expect(page.getByTestId("admin-link")).toBeVisible();
  await page.getByTestId("admin-link").click();
  await expect(page.getByTestId("admin-agents")).toBeVisible();
}

test("a manager sets up a service and an agent who takes its call, then deactivates them", async ({ page, browser }) => {
  await openAdmin(page);
  await accessible(page, "admin: people");
  // The operator's row says 운영자 and offers a manager no change to it.
  const ops = page.getByTestId("admin-agents").locator('tr[data-person="admin01"]');
  await expect(ops).toContainText("운영자");
  await expect(ops.getByTestId("admin-agent-operator")).toHaveText("운영자만 변경");
  await expect(ops.getByRole("button")).toHaveCount(0);

  // A new service (phone line).
  await page.getByTestId("admin-nav-services").click();
  await page.getByTestId("admin-service-new").click();
  await page.getByTestId("f-code").fill("vip");
  await page.getByTestId("f-service-name").fill("VIP 전용");
  await page.getByTestId("f-sl").fill("15");
  await page.getByTestId("admin-service-form-submit").click();
  await expect(page.getByTestId("admin-services").locator('tr[data-service="vip"]')).toContainText("VIP 전용");

  // A new agent serving it; a weak password is refused beside its field first.
  await page.getByTestId("admin-nav-agents").click();
  await page.getByTestId("admin-agent-new").click();
  await page.getByTestId("f-login").fill("vip01");
  await page.getByTestId("f-name").fill("한가람");
  await page.getByTestId("f-extension").fill("2090");
  await page.getByTestId("f-services").getByLabel("VIP 전용").check();
  await page.getByTestId("f-password").fill("1234");
  await page.getByTestId("admin-agent-form-submit").click();
  await expect(page.getByTestId("admin-agent-form")).toContainText("10자 이상");
  await page.getByTestId("f-password").fill("garam-vip-desk-2026");
  await page.getByTestId("admin-agent-form-submit").click();
  const row = page.getByTestId("admin-agents").locator('tr[data-person="vip01"]');
  await expect(row).toContainText("한가람");
  await expect(row).toContainText("VIP 전용");

  // The new agent, in another browser: signs in, goes ready, answers a VIP call.
  const other = await browser.newContext();
  const desk = await other.newPage();
  await desk.goto(`${BASE}/login`);
  await desk.getByTestId("login-id").fill("vip01");
  await desk.getByTestId("login-password").fill("garam-vip-desk-2026");
  await desk.getByTestId("login-submit").click();
  await expect(desk.getByTestId("agent-status")).toHaveText("상담준비");
  await expect(desk.getByTestId("admin-link")).toHaveCount(0);
  await desk.getByTestId("status-ready").click();
  await callIn("vip", "010-2345-6789");
  await expect(desk.getByTestId("call-card")).toHaveAttribute("data-state", "ringing");
  await expect(desk.getByTestId("call-card")).toContainText("VIP 전용");
  await desk.getByTestId("call-answer").click();
  await expect(desk.getByTestId("agent-status")).toHaveText("통화중");
  await desk.getByTestId("call-hangup").click();
  await desk.getByTestId("wrapup-done").click();
  await expect(desk.getByTestId("agent-status")).toHaveText("대기");

  // Deactivated: the desk is signed out and says why; signing in again is refused.
  await row.getByTestId("admin-agent-toggle").click();
  await expect(page.getByTestId("confirm-dialog")).toContainText("한가람");
  await page.getByTestId("confirm-ok").click();
  await expect(desk.getByTestId("signed-out-reason")).toContainText("사용이 중지", { timeout: 10_000 });
  await desk.getByTestId("login-id").fill("vip01");
  await desk.getByTestId("login-password").fill("garam-vip-desk-2026");
  await desk.getByTestId("login-submit").click();
  await expect(desk.getByTestId("login-error")).toContainText("중지");
  await expect(row).toContainText("사용 중지");
  await other.close();
});

test("brand settings save and reach the desk; the audit log shows who did what", async ({ page, browser }) => {
  await openAdmin(page);
  await page.getByTestId("admin-nav-settings").click();
  await expect(page.getByTestId("s-categories")).toHaveValue(/배송/);
  await page.getByTestId("s-categories").fill("주문\n배송\nVIP 문의");
  await page.getByTestId("s-ringTimeoutS").fill("3");
  await page.getByTestId("settings-save").click();
  await expect(page.getByTestId("admin-settings")).toContainText("5~120");
  await page.getByTestId("s-ringTimeoutS").fill("20");
  await page.getByTestId("settings-save").click();
  await expect(page.locator(".notice.info")).toContainText("설정을 저장했습니다");
  // A desk opened now offers the new 상담유형.
  const other = await browser.newContext();
  const desk = await other.newPage();
  await signIn(desk, "agent11");
  await desk.getByTestId("status-ready").click();
  await callIn("main", "010-3456-7890");
  await desk.getByTestId("call-answer").click();
  await expect(desk.getByTestId("note-category").locator("option")).toContainText(["상담유형", "주문", "배송", "VIP 문의"]);
  await desk.getByTestId("call-hangup").click();
  await desk.getByTestId("wrapup-done").click();
  await desk.getByTestId("status-preparing").click();
  await other.close();

  await page.getByTestId("admin-nav-audit").click();
  await expect(page.getByTestId("audit-list")).toContainText("brand.settings");
  await expect(page.getByTestId("audit-list")).toContainText("agent.deactivate");
  // Each action reads in Korean, its code beside it; the kinds are named in Korean too.
  await expect(page.getByTestId("audit-list").locator('td[data-action="brand.settings"]').first()).toContainText("브랜드 설정");
  await expect(page.getByTestId("audit-list").locator('td[data-action="agent.deactivate"]').first()).toContainText("사용 중지");
  await expect(page.getByTestId("audit-kind").locator('option[value="agent"]')).toHaveText("상담사");
  await page.getByTestId("audit-kind").selectOption("agent");
  await expect(page.getByTestId("audit-list")).not.toContainText("brand.settings");
  const download = page.waitForEvent("download");
  await page.getByTestId("audit-csv").click();
  expect((await download).suggestedFilename()).toMatch(/^audit-.*\.csv$/);
});

test("people are added from a file after a row-by-row preview; a generated password signs in", async ({ page, browser }) => {
  await openAdmin(page);
  await page.getByTestId("admin-agent-import").click();
  const csv = "로그인,이름,내선번호,역할,서비스,비밀번호\n" + "bulk01,윤새봄,2201,상담사,main,\n" + "manager01,중복,2202,,,\n" + "bulk02,,22x,팀원,nowhere,short\n";
  await page.getByTestId("people-file").setInputFiles({ name: "people.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByTestId("people-preview-btn").click();
  const preview = page.getByTestId("people-preview");
  await expect(preview).toContainText("3행 · 정상 1 · 오류 6");
  await expect(preview.getByTestId("bulk-errors")).toContainText("이미 사용 중인 로그인");
  await expect(preview.getByTestId("bulk-errors")).toContainText("없는 서비스입니다: nowhere");
  await expect(preview).toContainText("윤새봄");
  await accessible(page, "people import preview");
  await shot(page, "people-import-preview");
  await page.getByTestId("people-create").click();
  const made = page.getByTestId("people-created");
  await expect(made).toContainText("1명 등록했습니다");
  const password = (await made.getByTestId("people-passwords").locator("tbody tr td.mono").first().textContent()) ?? "";
  expect(password).toHaveLength(12);
  const download = page.waitForEvent("download");
  await page.getByTestId("people-passwords-csv").click();
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);
  await shot(page, "people-import-created");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("admin-agents").locator('tr[data-person="bulk01"]')).toContainText("윤새봄");

  const other = await browser.newContext();
  const desk = await other.newPage();
  await desk.goto(`${BASE}/login`);
  await desk.getByTestId("login-id").fill("bulk01");
  await desk.getByTestId("login-password").fill(password);
  await desk.getByTestId("login-submit").click();
  await expect(desk.getByTestId("agent-status")).toHaveText("상담준비");
  await other.close();
});

test("the mall and message links are tested as typed before they are saved", async ({ page }) => {
  await openAdmin(page);
  await page.getByTestId("admin-nav-settings").click();
  const mall = page.getByTestId("link-mall");
  await expect(page.getByTestId("mall-kind")).toHaveValue("demo");
  await page.getByTestId("mall-test-phone").fill("010-2345-6789");
  await page.getByTestId("mall-test").click();
  await expect(mall.getByTestId("link-test-result")).toContainText(/✓ 쇼핑몰 응답 \d+ ms · 주문 \d+건/);
  // An HTTP mall typed without its addresses: each field says what is missing.
  await page.getByTestId("mall-kind").selectOption("http");
  await page.getByTestId("mall-test").click();
  await expect(mall).toContainText("http:// 또는 https://");
  await expect(mall).toContainText("필수 항목의 위치가 비어 있습니다: 주문번호");
  await page.getByTestId("mall-kind").selectOption("demo");

  const msg = page.getByTestId("link-messaging");
  await page.getByTestId("msg-test-to").fill("010-1234-5678");
  await page.getByTestId("msg-test").click();
  await expect(msg.getByTestId("link-test-result")).toContainText("보관함 방식");
  await page.getByTestId("msg-kind").selectOption("nhn");
  await page.getByTestId("msg-appKey").fill("app-key-1");
  await page.getByTestId("msg-save").click();
  await expect(msg).toContainText("Secret Key를 입력하세요");
  await expect(msg).toContainText("발신번호");
  await accessible(page, "links");
  await msg.scrollIntoViewIfNeeded();
  await shot(page, "links-errors");
  await page.getByTestId("msg-kind").selectOption("outbox");
  await page.getByTestId("msg-save").click();
  await expect(page.locator(".notice.info")).toContainText("설정을 저장했습니다");
});

test("내 계정: an agent signs their other session out and changes their password", async ({ page, browser }) => {
  await signIn(page, "agent10");
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, "agent10");
  await expect(second.getByTestId("agent-status")).toHaveText("상담준비");
  await page.getByTestId("account-open").click();
  await expect(page.getByTestId("acc-sessions").locator("tbody tr")).toHaveCount(2);
  await accessible(page, "내 계정");
  await shot(page, "account");
  await page.getByTestId("acc-end-others").click();
  await expect(page.getByTestId("acc-sessions").locator("tbody tr")).toHaveCount(1);
  await expect(second.getByTestId("signed-out-reason")).toContainText("다른 곳에서", { timeout: 10_000 });
  await other.close();
  await page.getByTestId("acc-current").fill("wrong-password");
  await page.getByTestId("acc-new").fill("im-chaewon-desk-77");
  await page.getByTestId("acc-change").click();
  await expect(page.getByTestId("account-dialog")).toContainText("현재 비밀번호가 맞지 않습니다");
  await page.getByTestId("acc-current").fill("demo1234");
  await page.getByTestId("acc-change").click();
  await expect(page.locator(".notice.info")).toContainText("비밀번호를 바꿨습니다");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("account-dialog")).toHaveCount(0);
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
});

test("an agent who opens /admin gets a managers-only page", async ({ page }) => {
  await signIn(page, "agent12");
  await expect(page.getByTestId("agent-status")).toHaveText("상담준비");
  await page.goto(`${BASE}/admin`);
  await expect(page.getByTestId("admin-forbidden")).toContainText("매니저");
  await accessible(page, "admin: forbidden");
});

for (const [w, h] of [
  [1366, 768],
  [1920, 1080],
] as const) {
  test(`every admin section at ${w}×${h}`, async ({ browser }) => {
    const ctx = await browser.newContext({ viewport: { width: w, height: h }, locale: "ko-KR", timezoneId: "Asia/Seoul" });
    const page = await ctx.newPage();
    await openAdmin(page);
    for (const s of ["agents", "services", "settings", "consultations", "audit"]) {
      await page.getByTestId(`admin-nav-${s}`).click();
      await page.waitForTimeout(300);
      await accessible(page, `admin ${s} at ${w}`);
      await shot(page, `${w}-${s}`);
      if (s === "settings") {
        await page.getByTestId("link-mall").scrollIntoViewIfNeeded();
        await shot(page, `${w}-settings-links`);
      }
    }
    await page.getByTestId("admin-nav-agents").click();
    await page.getByTestId("admin-agent-new").click();
    await accessible(page, `admin new-agent form at ${w}`);
    await shot(page, `${w}-agent-form`);
    await page.keyboard.press("Escape");
    await page.getByTestId("admin-agent-import").click();
    await accessible(page, `admin people import at ${w}`);
    await shot(page, `${w}-people-import`);
    await ctx.close();
  });
}

test("an operator creates a brand whose manager then signs in to it", async ({ page, browser }) => {
  await signIn(page, "admin01");
  await page.getByTestId("admin-link").click();
  // An operator edits their own row: the form shows their role as 운영자.
  const self = page.getByTestId("admin-agents").locator('tr[data-person="admin01"]');
  await self.getByTestId("admin-agent-edit").click();
  await expect(page.getByTestId("f-role")).toHaveValue("admin");
  await expect(page.getByTestId("f-role").locator("option:checked")).toHaveText("운영자");
  await page.keyboard.press("Escape");
  await page.getByTestId("admin-nav-brands").click();
  await expect(page.getByTestId("admin-brands")).toContainText("데모몰");
  await page.getByTestId("admin-brand-new").click();
  await page.getByTestId("b-name").fill("하늘몰");
  await page.getByTestId("b-login").fill("sky.manager");
  await page.getByTestId("b-password").fill("sky-blue-lamp-2026");
  await page.getByTestId("admin-brand-form-submit").click();
  await expect(page.getByTestId("admin-brands")).toContainText("하늘몰");
  await accessible(page, "admin: brands");
  await shot(page, "brands");
  const other = await browser.newContext();
  const sky = await other.newPage();
  await sky.goto(`${BASE}/login`);
  await sky.getByTestId("login-id").fill("sky.manager");
  await sky.getByTestId("login-password").fill("sky-blue-lamp-2026");
  await sky.getByTestId("login-submit").click();
  await expect(sky.getByTestId("agent-status")).toHaveText("상담준비");
  await sky.getByTestId("admin-link").click();
  await expect(sky.getByTestId("admin-agents")).toContainText("sky.manager");
  await expect(sky.getByTestId("admin-agents")).not.toContainText("agent01");
  await expect(sky.getByTestId("admin-nav-brands")).toHaveCount(0);
  await other.close();
});
