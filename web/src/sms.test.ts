import { describe, expect, it } from "vitest";
import { checkText, euckrBytes, fillTemplate, prefill, templateVariables } from "./sms";

describe("EUC-KR byte counter", () => {
  it("counts Hangul as 2 bytes and ASCII as 1, like the server", () => {
    expect(euckrBytes("abc").bytes).toBe(3);
    expect(euckrBytes("안녕하세요").bytes).toBe(10);
    expect(euckrBytes("똠방각하 OK").bytes).toBe(11);
  });

  it("names the emoji it cannot send", () => {
    expect(euckrBytes("감사합니다😀😀🙏").bad).toEqual(["😀", "🙏"]);
    expect(checkText("", "감사 😀").problem).toContain("😀");
  });

  it("switches from SMS to LMS past 90 bytes and stops at 2,000", () => {
    const ninety = "가".repeat(45);
    expect(checkText("", ninety)).toMatchObject({ kind: "sms", bytes: 90, problem: null });
    expect(checkText("", ninety + "a")).toMatchObject({ kind: "lms", bytes: 91, problem: null });
    expect(checkText("제목", "짧다").kind).toBe("lms");
    expect(checkText("", "나".repeat(1000)).problem).toBeNull();
    expect(checkText("", "나".repeat(1000) + ".").problem).toContain("2001");
    expect(checkText("가".repeat(21), "본문").problem).toContain("42");
  });
});

describe("AlimTalk templates", () => {
  it("finds each slot once, fills what is known and leaves the rest visible", () => {
    const body = "#{고객명}님, 주문 #{주문번호} 접수. #{고객명}님 감사합니다";
    const vars = templateVariables(body);
    expect(vars).toEqual(["고객명", "주문번호"]);
    const values = prefill(vars, { customerName: "홍길동" });
    expect(values).toEqual({ 고객명: "홍길동", 주문번호: "" });
    expect(fillTemplate(body, values)).toBe("홍길동님, 주문 #{주문번호} 접수. 홍길동님 감사합니다");
  });
});
