// `gongkai serve` in a real browser, as a township office uses it: the preview is open
// on a hazard's page while the register is edited in another program. The page must
// change by itself (live reload) after a cell is edited; a broken date must put the
// list of problems (file, row, column) over the page while the last good site stays
// readable; fixing the date must bring the page back — all without restarting.
//
// Run with `npm test` (after `npm ci`); the preview works on a copy of the example site.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";

import { DESKTOP, ROOT, launchBrowser } from "./lib/harness.mjs";

// The register edited (UTF-8 with BOM, as WPS saves it) and the row of the hazard.
const REGISTER = "content/registers/2026-10/执法中队.csv";
const HAZARD = "ZF-2026-006";
const TITLE = "驾驶员疲劳驾驶、超速行驶问题未及时纠正，动态监控记录不实";
const EDITED_TITLE = "驾驶员疲劳驾驶、超速行驶问题未及时纠正，动态监控记录不实（复查补充）";
const DEADLINE = "2026年10月31日";
const BROKEN_DEADLINE = "2026年10月41日";

/** The release binary, built as a user would (`cargo build --release`). */
function releaseBinary() {
  const run = spawnSync("cargo", ["build", "--release", "--quiet", "--bin", "gongkai"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15 * 60 * 1000,
  });
  if (run.status !== 0) {
    throw new Error(`cargo build failed (exit ${run.status}):\n${run.stderr}`);
  }
  const target = process.env.CARGO_TARGET_DIR;
  const dir = target ? (isAbsolute(target) ? target : join(ROOT, target)) : join(ROOT, "target");
  return join(dir, "release", "gongkai");
}

/** A copy of the example site (settings, content, theme) in a fresh temp folder. */
function copyExample() {
  const site = mkdtempSync(join(tmpdir(), "gongkai-serve-"));
  for (const part of ["site.toml", "content", "themes", "static"]) {
    if (existsSync(join(ROOT, part))) {
      cpSync(join(ROOT, part), join(site, part), { recursive: true });
    }
  }
  return site;
}

/**
 * Starts `gongkai serve --root site` on a free port and resolves with `{ url, child,
 * output() }` once it prints the address it serves.
 */
function startPreview(binary, site) {
  const child = spawn(binary, ["serve", "--root", site, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => (text += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`预览 30 秒内没有启动：\n${text}`)), 30_000);
    child.on("exit", (code) => reject(new Error(`预览退出（${code}）：\n${text}`)));
    child.stdout.on("data", (chunk) => {
      text += chunk;
      const found = text.match(/正在预览：(http:\/\/127\.0\.0\.1:\d+\/)/);
      if (found) {
        clearTimeout(timer);
        resolve({ url: found[1], child, output: () => text });
      }
    });
  });
}

/** Rewrites the register with `from` replaced by `to` in the hazard's row, as an editor saves. */
function editRow(site, from, to) {
  const path = join(site, REGISTER);
  const lines = readFileSync(path, "utf8").split("\r\n");
  const row = lines.findIndex((line) => line.startsWith(`${HAZARD},`));
  assert.ok(row > 0, `${REGISTER} 里没有 ${HAZARD}`);
  assert.ok(lines[row].includes(from), `${HAZARD} 这一行没有「${from}」`);
  lines[row] = lines[row].replace(from, to);
  writeFileSync(path, lines.join("\r\n"));
  // The row as Excel numbers it (1-based), for the overlay.
  return row + 1;
}

describe("gongkai serve：改台账，浏览器里的页面自动更新", () => {
  let site;
  let preview;
  let browser;
  let page;
  /** Every navigation of the page, to tell a live reload from nothing happening. */
  let loads = 0;

  before(async () => {
    const binary = releaseBinary();
    site = copyExample();
    preview = await startPreview(binary, site);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
    page = await context.newPage();
    page.on("load", () => (loads += 1));
    await page.goto(`${preview.url}hazards/${HAZARD}.html`, { waitUntil: "load" });
  });

  after(async () => {
    await browser?.close();
    if (preview) {
      const { child } = preview;
      // Ctrl-C as a person would; killed outright if it has not exited within 10 s.
      const exited = new Promise((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.on("exit", resolve);
      });
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    if (site) rmSync(site, { recursive: true, force: true });
  });

  it("打开的隐患页显示台账里的名称", async () => {
    const heading = await page.locator("main h1").innerText();
    assert.ok(heading.includes(TITLE), `标题是「${heading}」`);
    assert.equal(await page.locator("#gongkai-overlay").count(), 0, "一开始就有错误提示");
  });

  it("改一格并保存后，页面自动刷新并显示新名称", async () => {
    const before = loads;
    editRow(site, TITLE, EDITED_TITLE);
    await page.waitForFunction(
      (title) => document.querySelector("main h1")?.textContent.includes(title),
      EDITED_TITLE,
      { timeout: 20_000 },
    );
    // The page's `load` event reaches this process a moment after the new heading can be
    // read; wait for it (bounded) instead of racing it.
    for (let i = 0; i < 100 && loads <= before; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(loads > before, "页面没有重新载入");
  });

  it("把日期改错后，页面上出现错误清单（文件、行、列），仍可看到上一次的内容", async () => {
    const row = editRow(site, DEADLINE, BROKEN_DEADLINE);
    const overlay = page.locator("#gongkai-overlay");
    await overlay.waitFor({ state: "visible", timeout: 20_000 });
    const cells = await overlay.locator("tbody tr").first().locator("td").allInnerTexts();
    assert.ok(cells[0].includes("执法中队.csv"), `文件列是「${cells[0]}」`);
    assert.equal(cells[1], String(row), `行号是「${cells[1]}」`);
    // The column as this register heads it (an alias of 整改时限), as the clerk sees it.
    assert.ok(cells[2].includes("最迟整改完成时间"), `列是「${cells[2]}」`);
    assert.ok(cells[3].includes(BROKEN_DEADLINE), `说明里没有写错的内容：「${cells[3]}」`);
    assert.equal(await overlay.getAttribute("role"), "alert");
    const heading = await page.locator("main h1").innerText();
    assert.ok(heading.includes(EDITED_TITLE), "错误提示下面应是上一次成功生成的页面");
    assert.ok(preview.output().includes("整改时限"), "终端里也应列出这个错误");
  });

  it("改正日期后，错误清单消失，页面恢复", async () => {
    editRow(site, BROKEN_DEADLINE, DEADLINE);
    await page.locator("#gongkai-overlay").waitFor({ state: "detached", timeout: 20_000 });
    const heading = await page.locator("main h1").innerText();
    assert.ok(heading.includes(EDITED_TITLE), `标题是「${heading}」`);
  });
});
