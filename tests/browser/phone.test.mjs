// The first screen on a phone: a resident opens a page on a 390 × 844 phone and must
// see, without scrolling, what the page is for: the month's figures and overdue count,
// a hazard's status and deadline, a notice's title, and on every page the 我要举报
// tap-to-call control. The month's list is in the order that says what needs attention,
// and "open hazards in my village this month" is two taps without JavaScript.
//
// Screenshots of every page type at 390 and 1280 px go to test-artefacts/phone/.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

import {
  artefact,
  basePathOf,
  buildSite,
  launchBrowser,
  pageTypes,
  removeSite,
  serve,
  urlOf,
} from "./lib/harness.mjs";

const PHONE_390 = { width: 390, height: 844 };
const DESKTOP_1280 = { width: 1280, height: 900 };

const out = buildSite();
setTimeout(() => {
  console.error("手机首屏测试超过 5 分钟仍未结束，已中止。");
  process.exit(1);
}, 5 * 60 * 1000).unref();
const types = pageTypes(out);
let site;
let browser;
let phone;
let nojs;

/** The latest month's folder name. */
const latestMonth = readdirSync(join(out, "months"))
  .filter((n) => /^\d{4}-\d{2}$/.test(n))
  .sort()
  .pop();

/** An open, overdue hazard of the latest month: the first row of its list. */
function overdueHazard() {
  const html = readFileSync(join(out, "months", latestMonth, "index.html"), "utf8");
  const row = html.match(/<li class="hazard-row is-overdue">\s*<a class="hazard-row__name" href="(?:\.\.\/)+(hazards\/[^"]+)"/);
  assert.ok(row, "示例最新月份没有逾期隐患，无法测试隐患页首屏");
  return decodeURIComponent(row[1]);
}

before(async () => {
  site = await serve(out, basePathOf(out));
  browser = await launchBrowser();
  phone = await browser.newContext({ viewport: PHONE_390, locale: "zh-CN", hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  nojs = await browser.newContext({ viewport: PHONE_390, locale: "zh-CN", isMobile: true, javaScriptEnabled: false });
});

after(async () => {
  await browser?.close();
  await site?.close();
  removeSite(out);
});

function urlFor(path) {
  return path === "404.html" ? urlOf(site, "no/such/page/index.html") : urlOf(site, path);
}

/**
 * Whether each selector's first match is shown and wholly inside the first screen
 * (no scrolling): `{ selector: "problem" }` for those that are not.
 */
async function firstScreenProblems(page, selectors) {
  return page.evaluate((sels) => {
    const problems = [];
    for (const sel of sels) {
      const el = document.querySelector(sel);
      if (!el) {
        problems.push(`找不到 ${sel}`);
        continue;
      }
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (r.width < 1 || r.height < 1 || cs.visibility === "hidden") {
        problems.push(`${sel} 不可见`);
      } else if (r.top < 0 || r.bottom > window.innerHeight || r.left < 0 || r.right > window.innerWidth) {
        problems.push(`${sel}「${el.textContent.trim().slice(0, 20)}」不在首屏内（上 ${Math.round(r.top)}，下 ${Math.round(r.bottom)}，屏高 ${window.innerHeight}）`);
      }
    }
    return problems;
  }, selectors);
}

describe("手机 390×844 首屏", () => {
  for (const [label, path] of types) {
    it(`${label}：「我要举报」一键拨号在首屏，不遮挡正文`, async () => {
      const page = await phone.newPage();
      await page.goto(urlFor(path));
      const problems = await firstScreenProblems(page, [".report-call"]);
      const report = await page.evaluate(() => {
        const a = document.querySelector(".report-call");
        const cs = getComputedStyle(a);
        return { href: a.getAttribute("href"), text: a.textContent, position: cs.position, fixedParent: !!a.closest("[style*=fixed]") };
      });
      await page.close();
      assert.deepEqual(problems, [], `${path}：\n${problems.join("\n")}`);
      assert.match(report.href, /^tel:[0-9+-]+$/, `${path} 的举报按钮不是电话链接：${report.href}`);
      assert.ok(report.text.includes("我要举报"));
      // Not fixed or sticky over the text: it scrolls away with the header.
      assert.ok(!["fixed", "sticky"].includes(report.position), `${path} 的举报按钮 position: ${report.position}`);
    });
  }

  it("月份页：本月数字和逾期数在首屏", async () => {
    const page = await phone.newPage();
    await page.goto(urlFor(`months/${latestMonth}/index.html`));
    const problems = await firstScreenProblems(page, ["main h1", "#month-figures", "#month-figures .figure--alert dd"]);
    const overdue = await page.locator("#month-figures .figure--alert").innerText();
    await page.screenshot({ path: artefact("phone/month-390-first-screen.png") });
    await page.close();
    assert.deepEqual(problems, [], problems.join("\n"));
    assert.match(overdue, /逾期未整改\s*\d+/);
  });

  it("隐患页（逾期未整改的隐患）：状态、逾期天数和整改时限在首屏，用文字说明", async () => {
    const path = overdueHazard();
    const page = await phone.newPage();
    await page.goto(urlFor(path));
    const problems = await firstScreenProblems(page, ["main h1", ".status-line .badge--overdue", ".status-words time"]);
    const words = await page.locator(".status-summary").innerText();
    const five = await page.locator("#five-title + p").innerText();
    await page.screenshot({ path: artefact("phone/hazard-390-first-screen.png") });
    await page.close();
    assert.deepEqual(problems, [], `${path}：\n${problems.join("\n")}`);
    assert.match(words, /逾期\d+天/);
    assert.match(words, /整改时限：\d{4}年\d{1,2}月\d{1,2}日/);
    assert.match(words, /截至 \d{4}年/);
    // 五到位 is never shown as good while the hazard is overdue.
    assert.ok(!five.includes("已落实"), `逾期隐患的五到位显示为「${five}」`);
  });

  it("通知页：标题、文号、发布机构和日期在首屏，在索引号表格之前", async () => {
    const path = types.find(([l]) => l === "通知页")[1];
    const page = await phone.newPage();
    await page.goto(urlFor(path));
    const problems = await firstScreenProblems(page, ["main h1", ".doc-byline"]);
    const order = await page.evaluate(() => {
      const h1 = document.querySelector("main h1");
      const meta = document.querySelector(".doc-meta");
      return !!(h1.compareDocumentPosition(meta) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    await page.close();
    assert.deepEqual(problems, [], problems.join("\n"));
    assert.ok(order, "索引号表格在标题之前");
  });
});

/** The standing of each row of a list, read from what the reader sees. */
function standings(page, selector) {
  return page.evaluate((sel) =>
    [...document.querySelectorAll(`${sel} > li.hazard-row`)].map((li) => {
      const status = li.querySelector(".hazard-row__status .badge").textContent.trim();
      const overdue = li.querySelector(".badge--overdue")?.textContent.match(/\d+/)?.[0];
      const rank = overdue ? 0 : ["未整改", "整改中"].includes(status) ? 1 : status === "已整改" ? 2 : 3;
      return { id: li.querySelector(".hazard-row__id").textContent, rank, overdue: overdue ? Number(overdue) : null };
    }), selector);
}

function orderProblems(rows) {
  const problems = [];
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    if (a.rank > b.rank) problems.push(`${a.id} 排在 ${b.id} 之前，但状态靠后`);
    if (a.rank === 0 && b.rank === 0 && a.overdue < b.overdue) problems.push(`逾期 ${a.overdue} 天的 ${a.id} 排在逾期 ${b.overdue} 天的 ${b.id} 之前`);
  }
  return problems;
}

describe("月份页的清单顺序和分类页面", () => {
  it("清单按 逾期未整改 → 未整改/整改中 → 已整改 → 已销号 排列，逾期久的在前；每项一行，链接到隐患页", async () => {
    const page = await phone.newPage();
    await page.goto(urlFor(`months/${latestMonth}/index.html`));
    const rows = await standings(page, "#list-rows");
    const tall = await page.evaluate(() =>
      [...document.querySelectorAll("#list-rows > li")].filter((li) => li.getBoundingClientRect().height > 200).length,
    );
    const linked = await page.evaluate(() =>
      [...document.querySelectorAll("#list-rows > li")].every((li) => /hazards\/[^/]+\.html$/.test(li.querySelector("a").href)),
    );
    await page.close();
    assert.ok(rows.length > 10, `清单只有 ${rows.length} 项`);
    assert.deepEqual(orderProblems(rows), []);
    assert.equal(rows[0].rank, 0, "清单第一项不是逾期隐患");
    assert.ok(rows.some((r) => r.rank === 3), "示例应有已销号的隐患");
    assert.equal(tall, 0, `${tall} 项在手机上高于 200px（应是紧凑的一行，而不是卡片）`);
    assert.ok(linked);
  });

  it("关闭 JavaScript，两次点击到“本月我村未完成整改的隐患”；状态页只列该状态", async () => {
    const page = await nojs.newPage();
    await page.goto(urlFor(`months/${latestMonth}/index.html`));
    // Tap 1: the village, from the month page's first screens.
    const village = page.locator("#by-village-title + ul a").first();
    const villageName = (await village.innerText()).split(/\s/)[0];
    await village.click();
    await page.waitForLoadState("load");
    assert.match(page.url(), new RegExp(`/months/${latestMonth}/villages/`));
    const title = await page.locator("main h1").innerText();
    assert.ok(title.includes(villageName), `村页面标题「${title}」`);
    const rows = await standings(page, "main ol.hazard-rows");
    const groups = await page.locator("main section h2").allInnerTexts();
    // Tap 2: the open hazards' heading link (or the first of them) is on this page,
    // overdue and open first.
    assert.deepEqual(orderProblems(rows.flat()), []);
    assert.ok(groups.length > 0 && /逾期未整改|未到期/.test(groups[0]), `村页面第一组是「${groups[0]}」`);
    const hazardLink = page.locator("main ol.hazard-rows a.hazard-row__name").first();
    await hazardLink.click();
    await page.waitForLoadState("load");
    assert.match(page.url(), /\/hazards\/[^/]+\.html$/);
    // Status pages: only their status, from the month page's links.
    await page.goto(urlFor(`months/${latestMonth}/status/overdue/index.html`));
    const overdue = await standings(page, "main ol.hazard-rows");
    await page.goto(urlFor(`months/${latestMonth}/status/closed/index.html`));
    const closed = await standings(page, "main ol.hazard-rows");
    await page.close();
    assert.ok(overdue.length > 0 && overdue.every((r) => r.rank === 0), JSON.stringify(overdue));
    assert.ok(closed.length > 0 && closed.every((r) => r.rank === 3), JSON.stringify(closed));
  });
});

describe("图表", () => {
  it("文字在 320、390、1280 像素宽时都在 14—20px；逾期用警示色和图案；无孤立的 0；旁边有数据表", async () => {
    const problems = [];
    for (const width of [320, 390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, locale: "zh-CN" });
      for (const path of ["index.html", `months/${latestMonth}/index.html`]) {
        const page = await context.newPage();
        await page.goto(urlFor(path));
        const found = await page.evaluate(() => {
          const list = [];
          for (const svg of document.querySelectorAll("svg.chart-svg")) {
            for (const t of svg.querySelectorAll("text")) {
              const size = t.getBoundingClientRect().height;
              const px = parseFloat(getComputedStyle(t).fontSize) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
              if (px < 14 - 0.05 || px > 20 + 0.05) list.push(`「${t.textContent}」${px.toFixed(1)}px`);
              if (t.classList.contains("chart-value") && t.textContent.trim() === "0") list.push("孤立的 0");
              void size;
            }
            const fig = svg.closest("figure");
            const table = fig.querySelector("table");
            if (!table || getComputedStyle(table).display === "none" || table.closest("details:not([open])")) list.push("图表旁没有可见的数据表");
            const legend = [...svg.querySelectorAll(".chart-legend")].map((t) => t.textContent);
            legend.forEach((name, k) => {
              if (!name.includes("逾期")) return;
              const bar = svg.querySelector(`.chart-bar.chart-series-${k}`);
              if (bar && (bar.getAttribute("stroke") !== "#a50e1c" || !bar.getAttribute("fill").startsWith("url(")))
                list.push(`「${name}」不是警示色加图案：${bar.getAttribute("stroke")} ${bar.getAttribute("fill")}`);
            });
          }
          return list;
        });
        problems.push(...found.map((p) => `${width}px ${path}：${p}`));
        await page.close();
      }
      await context.close();
    }
    assert.deepEqual([...new Set(problems)], []);
  });
});

describe("截图：每种页面 390 和 1280 像素宽（test-artefacts/phone/）", () => {
  for (const [label, path] of types) {
    it(label, async () => {
      const name = path.replace(/\/index\.html$|\.html$/, "").replace(/[^\w\u4e00-\u9fff-]+/g, "_") || "home";
      for (const [tag, viewport] of [["390", PHONE_390], ["1280", DESKTOP_1280]]) {
        const context = await browser.newContext({ viewport, locale: "zh-CN", isMobile: tag === "390", hasTouch: tag === "390" });
        const page = await context.newPage();
        await page.goto(urlFor(path));
        const png = await page.screenshot({ path: artefact(`phone/${name}-${tag}.png`), fullPage: true });
        await context.close();
        assert.ok(png.length > 5_000);
      }
    });
  }
});
