import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "@playwright/test";
import {
  addTodo,
  expect,
  expectNotReloaded,
  expectSettled,
  expectStillExactly,
  item,
  items,
  labels,
  markDocument,
  signIn,
  signUp,
  test,
  twoDevices,
} from "./fixtures.js";

/**
 * One user, two devices (two browser contexts: separate cookies, storage and sockets). Every
 * change made on one must reach the other live, and the writer must see its own change exactly
 * once: its optimistic row, reconciled by the HTTP answer, with the socket echo skipped.
 */


test("create, edit, toggle and delete travel live between two devices, both ways", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await markDocument(a);
  await markDocument(b);

  // Create, on each side.
  await addTodo(a, "from A");
  await expect(labels(b)).toHaveText(["from A"]);
  await addTodo(b, "from B");
  await expect(labels(a)).toHaveText(["from A", "from B"]);
  await expect(items(a)).toHaveCount(2);
  await expect(items(b)).toHaveCount(2);
  await expectStillExactly(a, ["from A", "from B"]);
  await expectStillExactly(b, ["from A", "from B"], 0);

  // Edit on B, seen on A.
  await item(b, "from A").getByTestId("todo-title").dblclick();
  await b.locator(".edit").fill("from A, edited on B");
  await b.locator(".edit").press("Enter");
  await expect(labels(a)).toHaveText(["from A, edited on B", "from B"]);
  await expect(labels(b)).toHaveText(["from A, edited on B", "from B"]);

  // Toggle on A, seen on B; and back on B, seen on A.
  await item(a, "from B").locator(".toggle").check();
  await expect(item(b, "from B")).toHaveClass("completed");
  await expect(b.locator(".todo-count")).toHaveText("1 item left");
  await item(b, "from B").locator(".toggle").uncheck();
  await expect(item(a, "from B")).not.toHaveClass(/completed/);
  await expect(a.locator(".todo-count")).toHaveText("2 items left");

  // Delete on A, seen on B.
  await item(a, "from B").hover();
  await item(a, "from B").locator(".destroy").click();
  await expect(labels(b)).toHaveText(["from A, edited on B"]);

  // Nothing else arrives late: no echo, no duplicate, no resurrection.
  await expectSettled(a);
  await expectSettled(b);
  await expectStillExactly(a, ["from A, edited on B"]);
  await expectStillExactly(b, ["from A, edited on B"], 0);
  await expect(items(a)).toHaveCount(1);
  await expect(items(b)).toHaveCount(1);
  await expectNotReloaded(a);
  await expectNotReloaded(b);
});

test("toggle-all and clear completed travel live between two devices", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  await markDocument(b);
  for (const text of ["one", "two", "three"]) await addTodo(a, text);
  await expect(labels(b)).toHaveText(["one", "two", "three"]);

  // Toggle-all on A: every item completes on B.
  await a.locator("label[for=toggle-all]").click();
  for (let i = 0; i < 3; i += 1) await expect(items(b).nth(i)).toHaveClass("completed");
  await expect(b.locator(".toggle-all")).toBeChecked();
  await expect(b.locator(".todo-count")).toHaveText("0 items left");

  // Toggle-all back on B: every item is active again on A.
  await b.locator("label[for=toggle-all]").click();
  for (let i = 0; i < 3; i += 1) await expect(items(a).nth(i)).not.toHaveClass(/completed/);
  await expect(a.locator(".todo-count")).toHaveText("3 items left");

  // Two completed on B, cleared on A: B loses them.
  await item(b, "one").locator(".toggle").check();
  await item(b, "three").locator(".toggle").check();
  await expect(item(a, "three")).toHaveClass("completed");
  await expect(item(a, "one")).toHaveClass("completed");
  await a.locator(".clear-completed").click();
  await expect(labels(b)).toHaveText(["two"]);
  await expect(b.locator(".clear-completed")).toBeHidden();

  await expectSettled(a);
  await expectSettled(b);
  await expectStillExactly(a, ["two"]);
  await expectStillExactly(b, ["two"], 0);
  await expectNotReloaded(b);
});

test("many quick writes on one device arrive once each, in order, on both", async ({ page, newDevice }) => {
  const { a, b } = await twoDevices(page, newDevice);
  const texts = Array.from({ length: 8 }, (_, i) => `quick ${i + 1}`);
  // Typed back to back: several creates are in flight at once on A.
  for (const text of texts) await addTodo(a, text);
  await expect(labels(a)).toHaveText(texts);
  await expect(labels(b)).toHaveText(texts);
  await expectSettled(a);
  await expectStillExactly(a, texts);
  await expectStillExactly(b, texts, 0);
});

test("a laptop and a phone side by side (screenshot for the README)", async ({ page, newDevice }, testInfo) => {
  // Unique because each worker's server has its own data dir.
  const email = await signUp(page, `ada.${Date.now().toString(36)}@example.com`);
  const laptop = page;
  const phone = await newDevice();
  await laptop.setViewportSize(LAPTOP);
  await phone.setViewportSize(PHONE);
  await signIn(phone, email);

  for (const text of ["Buy oat milk", "Book the dentist", "Water the plants", "Call Grace back"]) await addTodo(laptop, text);
  await expect(labels(phone)).toHaveCount(4);
  await item(phone, "Book the dentist").locator(".toggle").check();
  await addTodo(phone, "Pack for the weekend");
  await expect(labels(laptop)).toHaveText(["Buy oat milk", "Book the dentist", "Water the plants", "Call Grace back", "Pack for the weekend"]);
  await expect(item(laptop, "Book the dentist")).toHaveClass("completed");
  await expectSettled(laptop);
  await expectSettled(phone);
  await expect(labels(phone)).toHaveText(await labels(laptop).allTextContents());

  // No focus ring, caret or hover controls in the picture.
  for (const device of [laptop, phone]) {
    await device.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await device.mouse.move(0, 0);
  }
  const [left, right] = await Promise.all([
    laptop.screenshot({ animations: "disabled" }),
    phone.screenshot({ animations: "disabled" }),
  ]);
  const composed = await composeSideBySide(await newDevice(), [
    { caption: `Laptop (${LAPTOP.width} × ${LAPTOP.height})`, png: left, size: LAPTOP },
    { caption: `Phone (${PHONE.width} × ${PHONE.height})`, png: right, size: PHONE },
  ]);
  await testInfo.attach("two-devices", { body: composed, contentType: "image/png" });
  writeFileSync(testInfo.outputPath("two-devices.png"), composed);
  // The README's picture is refreshed on request only, so a test run leaves the work tree clean.
  if (process.env.UPDATE_SCREENSHOT === "1") writeFileSync(fileURLToPath(new URL("../docs/screenshot.png", import.meta.url)), composed);
});

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** Both pictures are shown this tall, side by side. */
const SHOWN_HEIGHT = 560;

/** Renders the screenshots next to each other, captioned, in a blank page, and shoots that. */
async function composeSideBySide(
  canvas: Page,
  shots: Array<{ caption: string; png: Buffer; size: { width: number; height: number } }>,
): Promise<Buffer> {
  const shownWidth = (size: { width: number; height: number }) => Math.round((size.width * SHOWN_HEIGHT) / size.height);
  const figures = shots
    .map(
      ({ caption, png, size }) =>
        `<figure><img src="data:image/png;base64,${png.toString("base64")}" width="${shownWidth(size)}" height="${SHOWN_HEIGHT}"><figcaption>${caption}</figcaption></figure>`,
    )
    .join("");
  await canvas.setViewportSize({ width: shots.reduce((sum, shot) => sum + shownWidth(shot.size) + 40, 64), height: SHOWN_HEIGHT + 120 });
  await canvas.setContent(
    `<!doctype html><style>
      body { margin: 0; font: 15px system-ui, sans-serif; color: #444; }
      main { display: inline-flex; gap: 40px; padding: 28px 32px 20px; background: #e9e9ee; }
      figure { margin: 0; }
      img { display: block; border-radius: 10px; box-shadow: 0 6px 24px rgb(0 0 0 / 0.18); }
      figcaption { text-align: center; margin-top: 12px; }
    </style><main>${figures}</main>`,
  );
  await canvas.locator("img").evaluateAll((images) =>
    Promise.all(images.map((image) => (image as HTMLImageElement).decode())),
  );
  return canvas.locator("main").screenshot();
}
