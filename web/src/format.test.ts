import { describe, expect, it } from "vitest";
import { displayPhone, formatAsTyped, hms, mmss, normalizePhone } from "./format";

describe("durations", () => {
  it("shows h:mm:ss for the monitor", () => {
    expect(hms(0)).toBe("0:00:00");
    expect(hms(59)).toBe("0:00:59");
    expect(hms(3661)).toBe("1:01:01");
    expect(hms(-5)).toBe("0:00:00");
  });
  it("shows mm:ss for call timers, switching to h:mm:ss after an hour", () => {
    expect(mmss(75)).toBe("01:15");
    expect(mmss(3600)).toBe("1:00:00");
  });
});

describe("Korean numbers", () => {
  it("normalise the common forms the way the server does", () => {
    expect(normalizePhone("010-1234-5678")).toBe("01012345678");
    expect(normalizePhone("+82 10 1234 5678")).toBe("01012345678");
    expect(normalizePhone("02 123 4567")).toBe("021234567");
    expect(normalizePhone("1588-1234")).toBe("15881234");
    expect(normalizePhone("0101234")).toBeNull();
    expect(normalizePhone("abc")).toBeNull();
  });
  it("display complete numbers with hyphens", () => {
    expect(displayPhone("01012345678")).toBe("010-1234-5678");
    expect(displayPhone("0212345678")).toBe("02-1234-5678");
    expect(displayPhone("021234567")).toBe("02-123-4567");
    expect(displayPhone("15881234")).toBe("1588-1234");
    expect(displayPhone("050512345678")).toBe("0505-1234-5678");
    expect(displayPhone("010-****-5678")).toBe("010-****-5678");
  });
  it("format as typed in the dial popup", () => {
    expect(formatAsTyped("010")).toBe("010");
    expect(formatAsTyped("0101")).toBe("010-1");
    expect(formatAsTyped("0101234")).toBe("010-1234");
    expect(formatAsTyped("01012345")).toBe("010-123-45");
    expect(formatAsTyped("01012345678")).toBe("010-1234-5678");
    expect(formatAsTyped("02123")).toBe("02-123");
    expect(formatAsTyped("1588")).toBe("1588");
    expect(formatAsTyped("15881234")).toBe("1588-1234");
    expect(formatAsTyped("010-1234-5678")).toBe("010-1234-5678");
  });
});
