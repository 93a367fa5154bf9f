// The wallboard in a real browser against the real server: the manager's board updates while a
// desk takes a call (the agent's row, the service's tile); the manager sets the agent's status
// with a note and the agent's desk shows who did it and why; a floor notice reaches the desk as
// a banner; the agent's ⓘ says why no calls come. Agents get a managers-only page. Screenshots of
// the board and of TV mode at 1920 px; axe on both.
import { expect, test } from "@playwright/test";
import { accessible, BASE, callIn, Server, shooter, signIn, telephony } from "./server";

const server = new Server();
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => server.start());
test.afterAll(async () => server.stop());

const shot = shooter("wallboard-");

test("the board follows a call live, and floor control reaches the desk", async ({ browser }) => {
  // The floor's screen is a browser set to another zone: the board still keeps the centre's time.
  const boardCtx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, timezoneId: "UTC" });
  const board = await boardCtx.newPage();
  await signIn(board, "manager01");
  await expect(board.getByTestId("wallboard-link")).toBeVisible();
  await board.getByTestId("wallboard-link").click();
  await expect(board.getByTestId("wallboard")).toBeVisible();
  const seoulNow = () => new Date().toLocaleTimeString("en-GB", { hour12: false, timeZone: "Asia/Seoul" }).slice(0, 5);
  await expect.poll(async () => (await board.getByTestId("wb-clock").textContent())?.slice(0, 5) === seoulNow()).toBe(true);
  await expect(board.getByTestId("wb-service-main")).toBeVisible();

  // An agent signs in and goes ready: the board shows it without a reload.
  const deskCtx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const desk = await deskCtx.newPage();
  await signIn(desk, "agent01");
  await expect(desk.getByTestId("agent-status")).toHaveText("상담준비");
  // The ⓘ says why no calls come.
  await desk.getByTestId("why-open").click();
  await expect(desk.getByTestId("why-text")).toContainText("상담준비 상태입니다");
  await desk.getByTestId("why-open").click();
  await desk.getByTestId("status-ready").click();
  const row = board.getByTestId("wb-agent-agent01");
  await expect(row).toHaveAttribute("data-status", "ready");

  // A call: the tile counts it and the row shows the call in hand.
  const { callId } = await callIn("main", "010-7777-1234");
  await expect(desk.getByTestId("call-answer")).toBeVisible();
  await expect(row).toHaveAttribute("data-status", "ringing");
  await expect(board.getByTestId("wb-service-main").getByTestId("wb-offered")).toContainText("1");
  await desk.getByTestId("call-answer").click();
  await expect(row).toHaveAttribute("data-status", "on_call");
  await expect(row).toContainText("대표번호");
  await expect(board.getByTestId("wb-service-main").getByTestId("wb-answered")).toContainText("1");
  await expect(board.getByTestId("wb-service-main").getByTestId("wb-answer-rate")).toContainText("100.0%");
  await shot(board, "board-on-call");
  await accessible(board, "wallboard");
  expect(await telephony(`/api/telephony/calls/${callId}/hangup`)).toBe(200);
  await expect(row).toHaveAttribute("data-status", "wrap_up");

  // The manager sets the agent's status with a note: the desk shows who and why.
  await row.getByTestId("wb-force").click();
  await board.getByTestId("wb-force-status").selectOption("aux:meeting");
  await board.getByTestId("wb-force-dialog-submit").click();
  await expect(board.getByTestId("wb-force-dialog")).toContainText("내용을 입력하세요");
  await board.getByTestId("wb-force-note").fill("10시 품질 교육에 참석해 주세요");
  await board.getByTestId("wb-force-dialog-submit").click();
  await expect(board.getByTestId("wb-force-dialog")).toHaveCount(0);
  await expect(row).toHaveAttribute("data-status", "aux");
  const notice = desk.getByTestId("manager-notice");
  await expect(notice).toContainText("상태를");
  await expect(notice).toContainText("10시 품질 교육에 참석해 주세요");
  await expect(notice).toContainText(/회의/);
  await expect(desk.getByTestId("agent-status")).toContainText("회의");

  // A floor notice to every desk.
  await board.getByTestId("wb-notice-open").click();
  await board.getByTestId("wb-notice-text").fill("오후 2시 전산 점검: 주문 조회가 5분간 멈춥니다");
  await board.getByTestId("wb-notice-dialog-submit").click();
  await expect(desk.getByTestId("floor-notice")).toContainText("오후 2시 전산 점검");
  await shot(desk, "desk-notices");
  await accessible(desk, "desk with notices");

  // Why no calls, from the board.
  await row.getByTestId("wb-why").click();
  await expect(board.getByTestId("wb-why-text")).toContainText("기타(회의중)");
  await board.keyboard.press("Escape");

  // TV mode: no controls, big figures.
  const tv = await boardCtx.newPage();
  await tv.goto(`${BASE}/wallboard?tv=1`);
  await expect(tv.getByTestId("wb-service-main")).toBeVisible();
  await expect(tv.getByTestId("wb-notice-open")).toHaveCount(0);
  await expect(tv.getByTestId("wb-agent-agent01")).toHaveCount(0);
  // Every figure fits its tile, "100.0%" included (the answered call above makes it 100.0%).
  await expect(tv.getByTestId("wb-service-main").getByTestId("wb-answer-rate")).toContainText("100.0%");
  const spilled = await tv.locator(".wb-fig").evaluateAll((tiles) =>
    tiles.filter((el) => {
      const value = el.querySelector(".wb-fig-value");
      if (value === null) return false;
      const text = document.createRange();
      text.selectNodeContents(value);
      return text.getBoundingClientRect().right > el.getBoundingClientRect().right + 0.5;
    }).length,
  );
  expect(spilled).toBe(0);
  await shot(tv, "tv");
  await accessible(tv, "wallboard tv");
  await deskCtx.close();
  await boardCtx.close();
});

test("agents get a managers-only page", async ({ page }) => {
  await signIn(page, "agent02");
  await expect(page.getByTestId("agent-status")).toBeVisible();
  await expect(page.getByTestId("wallboard-link")).toHaveCount(0);
  await page.goto(`${BASE}/wallboard`);
  await expect(page.getByTestId("wallboard-forbidden")).toBeVisible();
});
