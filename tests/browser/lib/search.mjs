// Drives the site's own search UI (assets/search.js on search/index.html) in the
// served site, so the page's Content-Security-Policy applies and what is tested is what
// a resident uses: type a query, press Enter, page through every result.

/**
 * Opens `searchUrl` in `context` and returns `{ search(term) → result paths (decoded,
 * every page of results), filters() → { filter name: { value: true } }, close() }`.
 */
export async function searchApi(context, searchUrl) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));
  await page.goto(searchUrl, { waitUntil: "load" });
  await page.waitForSelector("#search-form[data-ready]", { timeout: 15_000 });
  return {
    async search(term) {
      await page.fill("#search-q", term);
      await page.press("#search-q", "Enter");
      await page.waitForFunction(
        (t) => document.getElementById("search-status").getAttribute("data-query") === t,
        term,
        { timeout: 15_000 },
      );
      // "显示更多结果" until every result is listed.
      const more = page.locator("#search-more");
      while (await more.isVisible()) {
        const before = await page.locator(".search-result").count();
        await more.click();
        await page.waitForFunction(
          (n) => document.querySelectorAll(".search-result").length > n,
          before,
          { timeout: 15_000 },
        );
      }
      const hrefs = await page.locator(".search-result a").evaluateAll((as) => as.map((a) => a.href));
      if (errors.length) {
        throw new Error(`搜索页脚本出错：${errors.join("；")}`);
      }
      return hrefs.map((h) => decodeURIComponent(new URL(h).pathname));
    },
    async filters() {
      return page.evaluate(() => {
        const out = {};
        for (const box of document.querySelectorAll(".search-filter")) {
          const name = box.querySelector("label").textContent.trim();
          const values = [...box.querySelectorAll("option")].map((o) => o.value).filter(Boolean);
          out[name] = Object.fromEntries(values.map((v) => [v, true]));
        }
        return out;
      });
    },
    close: () => page.close(),
  };
}
