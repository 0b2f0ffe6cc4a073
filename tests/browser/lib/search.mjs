// Pagefind's own JavaScript API, loaded in the search page of the served site (so the
// page's Content-Security-Policy applies), to ask the built index directly.

/**
 * Opens `searchUrl` in `context` and returns `{ search(term) → result URLs (decoded),
 * filters() → { key: { value: count } }, close() }`.
 */
export async function searchApi(context, searchUrl) {
  const page = await context.newPage();
  await page.goto(searchUrl, { waitUntil: "load" });
  await page.evaluate(async () => {
    window.__pf = await import(new URL("../pagefind/pagefind.js", location.href).href);
    await window.__pf.init();
  });
  return {
    async search(term) {
      return page.evaluate(async (t) => {
        const found = await window.__pf.search(t);
        const data = await Promise.all(found.results.map((r) => r.data()));
        return data.map((d) => decodeURI(d.url));
      }, term);
    },
    async filters() {
      return page.evaluate(() => window.__pf.filters());
    },
    close: () => page.close(),
  };
}
