// The browser suite: the bundled example site, built by the real binary, served on
// 127.0.0.1 and read by headless Chromium the way residents read it: on a phone, with
// JavaScript off, by keyboard alone, in the large-text mode, printed, and searched.
//
// Run with `npm test` (after `npm ci`). Screenshots and PDFs go to test-artefacts/.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

import {
  DESKTOP,
  PHONE,
  artefact,
  basePathOf,
  buildSite,
  launchBrowser,
  pageTypes,
  removeSite,
  serve,
  urlOf,
} from "./lib/harness.mjs";
import * as inpage from "./lib/inpage.mjs";
import { validateHtml } from "./lib/vnu.mjs";
import { searchApi } from "./lib/search.mjs";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

// The release build (bounded by its own 15-minute limit) comes first; a fresh machine
// compiles every dependency here.
const out = buildSite();

// After the build the suite is bounded: a hung browser or server fails the run instead
// of blocking CI.
setTimeout(() => {
  console.error("浏览器测试超过 8 分钟仍未结束，已中止。");
  process.exit(1);
}, 8 * 60 * 1000).unref();
const types = pageTypes(out);
let site;
let browser;
/** Contexts: desktop with JS, phone with JS, phone without JS. */
let desktop;
let phone;
let nojs;

before(async () => {
  site = await serve(out, basePathOf(out));
  browser = await launchBrowser();
  desktop = await browser.newContext({ viewport: DESKTOP, locale: "zh-CN" });
  phone = await browser.newContext({ viewport: PHONE, locale: "zh-CN", hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  nojs = await browser.newContext({ viewport: PHONE, locale: "zh-CN", javaScriptEnabled: false });
});

after(async () => {
  await browser?.close();
  await site?.close();
  removeSite(out);
});

/** The URL a page type is read at: the 404 page is what a missing URL returns. */
function urlFor(path) {
  return path === "404.html" ? urlOf(site, "no/such/page/index.html") : urlOf(site, path);
}

/**
 * Opens `path` in `context`; fails on script errors and on Content-Security-Policy
 * violations (reported on the console).
 */
async function open(context, path) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(`脚本错误：${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error" && !/404 \(Not Found\)/.test(msg.text())) errors.push(`控制台错误：${msg.text()}`);
  });
  const response = await page.goto(urlFor(path), { waitUntil: "load" });
  const expected = path === "404.html" ? 404 : 200;
  assert.equal(response.status(), expected, `${path} 返回 ${response.status()}`);
  return { page, errors };
}

async function axe(page, options) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate((opts) => window.axe.run(document, opts), options);
  return result.violations.map(
    (v) => `${v.id}（${v.impact}）：${v.help}；位置：${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("，")}`,
  );
}

/** Turns the reading mode on as a reader would: the toggle in the header. */
async function readingModeOn(page) {
  const toggle = page.locator(".reading-mode-label, [data-reading-mode]").first();
  await toggle.click();
}

const linkStatus = new Map();
async function status(url) {
  if (!linkStatus.has(url)) {
    linkStatus.set(url, fetch(url, { redirect: "manual" }).then((r) => r.status));
  }
  return linkStatus.get(url);
}

for (const [label, path] of types) {
  describe(`${label}（${path}）`, () => {
    it("axe-core：无 WCAG 2.1 A/AA 问题，无脚本或 CSP 错误", async () => {
      const { page, errors } = await open(desktop, path);
      const violations = await axe(page, { runOnly: { type: "tag", values: WCAG_AA } });
      await page.close();
      assert.deepEqual(violations, [], `${path} 的无障碍问题：\n${violations.join("\n")}`);
      assert.deepEqual(errors, []);
    });

    it("手机 375×812：不横向溢出，表格可读，字号行高、点击区域达标", async () => {
      const { page } = await open(phone, path);
      const problems = [
        ...(await page.evaluate(inpage.overflowProblems)),
        ...(await page.evaluate(inpage.tableProblems)),
        ...(await page.evaluate(inpage.typographyProblems, 16)),
        ...(await page.evaluate(inpage.targetProblems)),
      ];
      const phoneViolations = await axe(page, { runOnly: { type: "tag", values: WCAG_AA } });
      await page.close();
      assert.deepEqual([...problems, ...phoneViolations], [], `${path} 在手机上：\n${problems.concat(phoneViolations).join("\n")}`);
    });

    it("关闭 JavaScript：内容全部可见，每个链接都能打开", async () => {
      const { page } = await open(nojs, path);
      const hidden = await page.evaluate(inpage.hiddenContentProblems);
      const links = await page.evaluate(inpage.links);
      const ids = await page.evaluate(() => [...document.querySelectorAll("[id]")].map((e) => e.id));
      await page.close();
      assert.deepEqual(hidden, [], `${path} 关闭脚本时被隐藏的内容：\n${hidden.join("\n")}`);
      assert.ok(
        links.some((l) => l.href.split("?")[0].endsWith("/search/index.html")),
        `${path} 没有通往站内搜索页的链接`,
      );
      const broken = [];
      for (const link of links) {
        const url = new URL(link.href);
        if (url.protocol === "tel:" || url.protocol === "mailto:") continue;
        if (url.origin !== site.origin) {
          broken.push(`「${link.text}」链接到外站 ${link.href}`);
          continue;
        }
        const target = link.href.split("#")[0];
        const here = urlFor(path).split("#")[0];
        if (url.hash && target === here && !ids.includes(decodeURIComponent(url.hash.slice(1)))) {
          broken.push(`「${link.text}」指向不存在的锚点 ${link.raw}`);
        }
        if (target !== here) {
          const code = await status(target);
          if (code !== 200) broken.push(`「${link.text}」${link.raw} → ${code}`);
        }
      }
      assert.deepEqual(broken, [], `${path} 的链接问题：\n${broken.join("\n")}`);
    });

    it("只用键盘：能到达每个链接和控件，焦点清晰可见", async () => {
      const { page } = await open(desktop, path);
      const targets = await page.evaluate(inpage.focusTargets);
      const reached = new Set();
      const invisible = [];
      // A few presses more than targets: scripts may add controls after load.
      for (let i = 0; i < targets.length + 15; i++) {
        await page.keyboard.press("Tab");
        const state = await page.evaluate(inpage.focusState);
        if (!state) continue;
        if (state.id) reached.add(state.id);
        if (!state.visible) invisible.push(`<${state.tag}>「${state.text}」`);
      }
      await page.close();
      const missed = targets.filter((t) => !reached.has(t.id)).map((t) => t.what);
      assert.deepEqual(missed, [], `${path} 用 Tab 键到不了：\n${missed.join("\n")}`);
      assert.deepEqual([...new Set(invisible)], [], `${path} 聚焦时看不到焦点框：\n${invisible.join("\n")}`);
    });

    it("适老化阅读模式（不用 JavaScript 也能开）：正文 ≥ 20px，对比度 ≥ 7:1", async () => {
      const { page } = await open(nojs, path);
      await readingModeOn(page);
      const problems = [
        ...(await page.evaluate(inpage.typographyProblems, 20)),
        ...(await page.evaluate(inpage.overflowProblems)),
        ...(await page.evaluate(inpage.tableProblems)),
      ];
      await page.close();
      assert.deepEqual(problems, [], `${path} 阅读模式下：\n${problems.join("\n")}`);
      // Contrast needs axe, which needs a page that runs scripts.
      const { page: withJs } = await open(desktop, path);
      await readingModeOn(withJs);
      const contrast = await axe(withJs, { runOnly: { type: "rule", values: ["color-contrast-enhanced"] } });
      await withJs.evaluate(() => localStorage.clear());
      await withJs.close();
      assert.deepEqual(contrast, [], `${path} 阅读模式对比度不足 7:1：\n${contrast.join("\n")}`);
    });
  });
}

describe("按时公开情况", () => {
  it("每页页脚写明最近更新日期和下一期截止日期；首页写明逾期未公开的月份", async () => {
    const { page } = await open(desktop, "index.html");
    const footer = await page.locator(".footer-timely").innerText();
    assert.match(footer, /本站最近更新：\d{4}年\d{1,2}月\d{1,2}日/);
    assert.match(footer, /2026年11月）隐患台账应于2026年11月25日前公开，尚未公开（已逾期 10 天）/);
    const late = await page.locator(".callout--late").innerText();
    assert.equal(late.trim(), "2026年11月台账应于11月25日前公开，尚未公开（已逾期 10 天）");
    await page.close();
  });

  it("月份目录列出公开日期，逾期公开的月份标明天数；年度公开情况页有统计表和 CSV", async () => {
    const { page } = await open(desktop, "disclosure/index.html");
    // The month table, not the chart's data table above it: the one with a 公开日期 column.
    const months = page.locator("table").filter({ has: page.locator("th", { hasText: "公开日期" }) });
    assert.equal(await months.count(), 1, "月份目录里没有带“公开日期”列的表");
    const table = await months.innerText();
    assert.match(table, /逾期公开 2 天/);
    await page.close();
    const annual = await open(desktop, "annual/2026/index.html");
    const text = await annual.page.locator("main").innerText();
    assert.match(text, /逾期公开\s+1/);
    assert.match(text, /逾期未公开\s+1/);
    const csv = await status(urlOf(site, "annual/2026.csv"));
    assert.equal(csv, 200);
    await annual.page.close();
  });
});

describe("适老化阅读模式", () => {
  it("每种页面都有开关；启用 JavaScript 时，选择在换页后保持", async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: "zh-CN" });
    const home = await context.newPage();
    await home.goto(urlFor("index.html"));
    const before = await home.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main p, main li")).fontSize));
    await readingModeOn(home);
    const month = types.find(([l]) => l === "月份页")[1];
    await home.goto(urlFor(month));
    const size = await home.evaluate(() => parseFloat(getComputedStyle(document.querySelector("main p, main li, main td")).fontSize));
    await context.close();
    assert.ok(size >= 20, `换页后正文字号 ${size}px（开启前 ${before}px）：阅读模式没有保持`);
  });
});

describe("打印", () => {
  it("月份页打印为 A4：无导航，表格不在行中间断开", async () => {
    const month = types.find(([l]) => l === "月份页")[1];
    const { page } = await open(desktop, month);
    await page.emulateMedia({ media: "print" });
    const problems = await page.evaluate(() => {
      const list = [];
      // Navigation is not printed; the header (issuer) and the hotline stay, as on a
      // paper notice.
      document.querySelectorAll("nav a, .skip-link, .reading-mode-label").forEach((el) => {
        if (el.getClientRects().length > 0) list.push(`导航「${el.textContent.trim().slice(0, 10)}」打印时仍显示`);
      });
      const header = getComputedStyle(document.querySelector(".site-header"));
      if (header.backgroundColor !== "rgba(0, 0, 0, 0)" && header.backgroundImage === "none" && header.backgroundColor !== "rgb(255, 255, 255)") {
        list.push(`页头打印时有底色 ${header.backgroundColor}`);
      }
      document.querySelectorAll("tr").forEach((tr, i) => {
        const b = getComputedStyle(tr).breakInside;
        if (b !== "avoid" && b !== "avoid-page" && i < 3) list.push(`表格行 break-inside 为 ${b}`);
      });
      document.querySelectorAll("thead").forEach((th) => {
        if (getComputedStyle(th).display !== "table-header-group") list.push("表头不在每页重复（thead 不是 table-header-group）");
      });
      if (!document.querySelector("main h1")) list.push("没有标题");
      return [...new Set(list)];
    });
    const pdf = await page.pdf({ path: artefact("month-print.pdf"), format: "A4", printBackground: false });
    await page.close();
    assert.deepEqual(problems, [], problems.join("\n"));
    assert.ok(pdf.length > 10_000, `PDF 只有 ${pdf.length} 字节`);
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    assert.match(pdf.toString("latin1"), /\/MediaBox \[0 0 59[0-9.]+ 84[0-9.]+\]/, "纸张不是 A4");
  });
});

describe("截图（保存在 test-artefacts/ 供人查看）", () => {
  for (const label of ["月份页", "隐患页"]) {
    for (const [size, context] of [["phone", () => phone], ["desktop", () => desktop]]) {
      it(`${label} ${size}`, async () => {
        const path = types.find(([l]) => l === label)[1];
        const { page } = await open(context(), path);
        const file = artefact(`${label === "月份页" ? "month" : "hazard"}-${size}.png`);
        const png = await page.screenshot({ path: file, fullPage: true });
        await page.close();
        assert.ok(png.length > 5_000, `${file} 太小`);
      });
    }
  }
});

describe("站内搜索", () => {
  let api;
  before(async () => {
    api = await searchApi(desktop, urlFor("search/index.html"));
  });
  after(async () => api?.close());

  it("「燃气」找到示例中所有燃气隐患", async () => {
    const sector = types.find(([l]) => l === "行业领域页")[1];
    const html = readFileSync(`${out}/${sector}`, "utf8");
    const gas = [...new Set([...html.matchAll(/href="(?:\.\.\/)+(hazards\/[^"]+)"/g)].map((m) => decodeURIComponent(m[1])))];
    assert.ok(gas.length > 0, "燃气行业页没有隐患链接");
    const urls = await api.search("燃气");
    const missing = gas.filter((h) => !urls.some((u) => u.endsWith(h)));
    assert.deepEqual(missing, [], `搜索「燃气」没有找到：${missing.join("、")}`);
  });

  it("两个字的词「液氨」找到它的隐患", async () => {
    const hazard = types.find(([l]) => l === "隐患页")[1];
    const urls = await api.search("液氨");
    assert.ok(urls.some((u) => u.endsWith(hazard)), `「液氨」的结果 ${urls.join("、")} 里没有 ${hazard}`);
  });

  it("用正文里的词「钢瓶」找到通知", async () => {
    const urls = await api.search("钢瓶");
    assert.ok(urls.some((u) => u.includes("/notices/") && !u.endsWith("notices/index.html")), `「钢瓶」的结果：${urls.join("、")}`);
  });

  it("未公开的材料（依申请公开、草稿）不进索引", async () => {
    for (const word of ["违法行为调查处理", "分管领导审核"]) {
      const urls = await api.search(word);
      const leaked = urls.filter((u) => /chufa-qingkuang|shiyue-tiaodu/.test(u));
      assert.deepEqual(leaked, [], `搜索「${word}」找到了未公开的通知`);
    }
  });

  it("可按月份、村（社区）、行业领域、整改状态筛选", async () => {
    const filters = await api.filters();
    for (const key of ["月份", "村（社区）", "行业领域", "整改状态"]) {
      assert.ok(filters[key] && Object.keys(filters[key]).length > 0, `缺少筛选项「${key}」：${JSON.stringify(filters)}`);
    }
  });

  it("搜索页的界面显示结果；关闭 JavaScript 时提供按月份、村、行业查找", async () => {
    const { page, errors } = await open(desktop, "search/index.html");
    await page.waitForSelector("#search-form[data-ready]", { timeout: 15_000 });
    await page.fill("#search-q", "液氨");
    await page.press("#search-q", "Enter");
    await page.waitForSelector(".search-result mark", { timeout: 15_000 });
    const results = await page.locator(".search-result").count();
    const status = await page.locator("#search-status").innerText();
    const filterCount = await page.locator(".search-filter select").count();
    // The UI with results and filters shown meets the same bar as every page.
    const violations = await axe(page, { runOnly: { type: "tag", values: WCAG_AA } });
    await page.setViewportSize(PHONE);
    const phoneProblems = [
      ...(await page.evaluate(inpage.overflowProblems)),
      ...(await page.evaluate(inpage.typographyProblems, 16)),
    ];
    await page.screenshot({ path: artefact("search-results-phone.png"), fullPage: true });
    await page.close();
    assert.ok(results > 0);
    assert.match(status, /^找到 \d+ 条结果$/);
    assert.equal(filterCount, 4, "应有月份、村（社区）、行业领域、整改状态四个筛选项");
    assert.deepEqual([...violations, ...phoneProblems], [], `搜索结果页：\n${violations.concat(phoneProblems).join("\n")}`);
    assert.deepEqual(errors, []);
    const { page: plain } = await open(nojs, "search/index.html");
    const text = await plain.locator("main").innerText();
    await plain.close();
    for (const word of ["需要浏览器启用 JavaScript", "每月公开", "按村（社区）", "按行业领域"]) {
      assert.ok(text.includes(word), `无脚本时搜索页缺少「${word}」`);
    }
  });
});

describe("从本地磁盘打开（file://）", () => {
  it("搜索页保留按月份、村、行业查找的说明，链接指向磁盘上的文件", async () => {
    const page = await desktop.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err.message));
    await page.goto(`file://${out}/search/index.html`);
    const noteShown = await page.locator("#search-nojs").isVisible();
    const month = await page.locator("main a[href*='months/']").first().getAttribute("href");
    await page.close();
    assert.ok(noteShown, "从磁盘打开时，搜索页的说明被隐藏了");
    assert.ok(month && !month.startsWith("/"), `链接不是相对链接：${month}`);
    assert.deepEqual(errors, []);
  });
});

describe("通知的附件（照片、PDF）", () => {
  const NOTICE = "notices/2026-06-26-liuyue-tiaodu/index.html";
  /** The photo's natural size and the PDF link's target, as the page resolves them. */
  async function attachments(page) {
    const img = page.locator("main img[src*='fj/']").first();
    await img.scrollIntoViewIfNeeded();
    await page.waitForFunction(() => [...document.querySelectorAll("main img")].every((i) => i.complete));
    const width = await img.evaluate((i) => i.naturalWidth);
    const pdf = await page.locator("main a[href$='.pdf']").first().evaluate((a) => a.href);
    return { width, pdf };
  }

  it("在网站的子路径下：照片显示出来，PDF 可以下载", async () => {
    const page = await desktop.newPage();
    await page.goto(urlOf(site, NOTICE));
    const { width, pdf } = await attachments(page);
    assert.ok(width > 0, "通知里的照片没有显示出来");
    assert.ok(new URL(pdf).pathname.startsWith(site.base.replace(/^https?:\/\/[^/]+/, "")), `PDF 链接不在网站的子路径下：${pdf}`);
    const response = await page.request.get(pdf);
    const body = await response.body();
    await page.close();
    assert.equal(response.status(), 200, `PDF 链接 ${pdf} 返回 ${response.status()}`);
    assert.equal(body.subarray(0, 5).toString("latin1"), "%PDF-");
  });

  it("从本地磁盘打开（file://）：照片显示出来，PDF 链接指向磁盘上的文件", async () => {
    const page = await desktop.newPage();
    await page.goto(`file://${out}/${NOTICE}`);
    const { width, pdf } = await attachments(page);
    await page.close();
    assert.ok(width > 0, "从磁盘打开时，通知里的照片没有显示出来");
    assert.ok(pdf.startsWith("file://"), `PDF 链接不是磁盘上的文件：${pdf}`);
    const path = decodeURIComponent(new URL(pdf).pathname);
    assert.ok(path.startsWith(out), `PDF 链接指向网站文件夹之外：${path}`);
    assert.equal(readFileSync(path).subarray(0, 5).toString("latin1"), "%PDF-");
  });
});

describe("HTML 校验（Nu HTML Checker）", () => {
  it("所有页面没有错误", { timeout: 180_000 }, () => {
    const errors = validateHtml(out);
    assert.deepEqual(errors, [], `HTML 错误：\n${errors.slice(0, 30).join("\n")}`);
  });
});
