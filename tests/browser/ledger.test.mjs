// The ledger in a browser: the example site's one worked correction, read the way a
// resident or the county office would. Open 更正记录, find the correction (month, hazard,
// column, old → new, reason, date, approver), follow it to the corrected hazard's page,
// which lists the correction; the corrected month's page says how many cells were
// corrected, links 更正记录, and shows its fingerprint linking the archive file, whose
// digest is the fingerprint's long form. With JavaScript off, all of it is there too.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";

import { PHONE, artefact, basePathOf, buildSite, launchBrowser, removeSite, serve, urlOf } from "./lib/harness.mjs";

const out = buildSite();
setTimeout(() => {
  console.error("浏览器测试超过 5 分钟仍未结束，已中止。");
  process.exit(1);
}, 5 * 60 * 1000).unref();

let site;
let browser;
let context;

before(async () => {
  site = await serve(out, basePathOf(out));
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: PHONE, locale: "zh-CN", javaScriptEnabled: false });
});

after(async () => {
  await browser?.close();
  await site?.close();
  removeSite(out);
});

describe("更正记录", () => {
  it("lists the correction and leads to the corrected hazard, which lists it too", async () => {
    const page = await context.newPage();
    const response = await page.goto(urlOf(site, "corrections/index.html"));
    assert.equal(response.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "更正记录");
    const row = page.locator("table tbody tr").filter({ hasText: "ZF-2026-003" });
    assert.equal(await row.count(), 1);
    const cells = (await row.locator("th, td").allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(cells, [
      "2026-10-28",
      "2026年9月",
      "ZF-2026-003",
      "完成日期",
      "2026-08-14",
      "2026-08-12",
      // As sealed in archive/2026-09.v2.json (the reason was read width-normalised then).
      "录入错误:验收记录显示整改于8月12日完成,台账误填为8月14日",
      "镇安委办主任 周立新",
    ]);
    await page.screenshot({ path: artefact("corrections.png"), fullPage: true });

    // Follow the hazard link: its page lists the correction.
    await row.locator("a", { hasText: "ZF-2026-003" }).click();
    await page.waitForLoadState("load");
    assert.match(page.url(), /hazards\//);
    const section = page.locator("section", { has: page.locator("#corrections-title") });
    assert.equal(await section.count(), 1);
    const text = await section.innerText();
    assert.match(text, /“完成日期”：2026-08-14 → 2026-08-12。更正原因：录入错误/);
    assert.match(text, /批准人 镇安委办主任 周立新/);
    await page.screenshot({ path: artefact("corrected-hazard.png"), fullPage: true });

    // …and back to the corrected month, which says how many cells were corrected.
    await section.locator("a", { hasText: "2026年9月" }).click();
    await page.waitForLoadState("load");
    const seal = page.locator("#seal");
    assert.match(await seal.innerText(), /封存后更正 1 处/);
    assert.match(await seal.innerText(), /更正后第 2 版/);
    const fingerprint = seal.locator("code.fingerprint");
    const sha = await fingerprint.getAttribute("data-sha256");
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.equal((await fingerprint.innerText()).replaceAll(" ", ""), sha.slice(0, 16));
    // The fingerprint links the month's current archive file, whose digest it is.
    const href = await seal.locator("a:has(code.fingerprint)").getAttribute("href");
    assert.match(href, /archive\/2026-09\.v2\.json$/);
    const archive = await page.request.get(new URL(href, page.url()).href);
    assert.equal(archive.status(), 200);
    const json = JSON.parse(await archive.text());
    assert.equal(json.sha256, sha);
    assert.equal(json.seal.corrections[0].new, "2026-08-12");
    await page.locator("#seal a", { hasText: "更正记录" }).click();
    await page.waitForLoadState("load");
    assert.equal(await page.locator("h1").innerText(), "更正记录");
    await page.close();
  });
});
