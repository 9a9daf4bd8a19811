import { describe, expect, it } from "vitest";
import { TODO_TEXT_MAX, TodoText } from "./todos.js";

const problem = (text: string) => {
  const result = TodoText.safeParse(text);
  return result.success ? null : result.error.issues.map((issue) => issue.message);
};

describe("TodoText", () => {
  it("trims, and keeps everything else exactly", () => {
    expect(TodoText.parse("  buy milk \n")).toBe("buy milk");
    for (const text of ["milk\teggs\nbread", "🎉 party 👩‍💻", "a\u200db", "שלום", "x".repeat(TODO_TEXT_MAX)]) {
      expect(TodoText.parse(text)).toBe(text);
    }
  });

  it("refuses C0 control characters other than tab and newline, wherever they are", () => {
    for (const unit of [0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x0d, 0x1b, 0x1c, 0x1f]) {
      const c = String.fromCharCode(unit);
      for (const text of [`${c}start`, `mid${c}dle`, `end${c}`]) {
        // Vertical tab, form feed and carriage return are white space: trimmed off the ends.
        const trimmed = [0x0b, 0x0c, 0x0d].includes(unit) && text.trim() !== text;
        expect(problem(text), `U+${unit.toString(16).padStart(4, "0")} in ${JSON.stringify(text)}`).toEqual(
          trimmed ? null : ["text must not contain control characters (other than tab and newline)"],
        );
      }
    }
  });

  it("refuses half of a surrogate pair on its own, high or low, anywhere", () => {
    for (const text of ["\ud83d", "a\ud83db", "\ude00a", "😀".slice(1) + "😀", "ok \udfff"]) {
      expect(problem(text)).toEqual(["text must be well-formed Unicode (it has half of a surrogate pair on its own)"]);
    }
  });

  it("refuses text with nothing visible; empty is said to be empty", () => {
    expect(problem("   ")).toEqual(["text must not be empty"]);
    for (const text of ["\u200b", "\u200b\u200c\u200d\u2060", "\ufeff\u00ad", " \u180e \u3164 \u115f", "\u202e\u2066\ufe0f", "\u{e0041}\u{e0042}"]) {
      expect(problem(text), JSON.stringify(text)).toEqual(["text must contain something visible, not only invisible characters"]);
    }
  });

  it("counts the length after trimming", () => {
    expect(TodoText.safeParse(` ${"x".repeat(TODO_TEXT_MAX)} `).success).toBe(true);
    expect(problem("x".repeat(TODO_TEXT_MAX + 1))).toEqual([`text must be at most ${TODO_TEXT_MAX} characters`]);
  });
});
