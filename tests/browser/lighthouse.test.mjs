// Lighthouse (npm `lighthouse`, its default mobile preset and simulated throttling)
// against Debian's Chromium: every page type of the example site, and the largest month
// page of the county corpus (`cargo run --release --example gen_corpus -- --size
// county`), must score at least the floors below. The scores are written to
// test-artefacts/lighthouse/scores.json (and each report as HTML beside it); the
// numbers recorded in BENCHMARKS.md come from there.
//
// GONGKAI_LIGHTHOUSE_COUNTY=0 skips the county page (it generates and builds a
// 120,000-row corpus first); GONGKAI_LIGHTHOUSE_COUNTY_OUT=DIR audits an already built
// county output instead.

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";

import { CHROMIUM, ROOT, artefact, basePathOf, buildSite, pageTypes, removeSite, serve, urlOf } from "./lib/harness.mjs";

/** The floors of the issue: every page type of the example site. */
const FLOORS = { accessibility: 100, "best-practices": 100, seo: 95, performance: 95 };
/** The largest month page of the county corpus. */
const COUNTY_FLOORS = { performance: 90 };

const CHROME_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const out = buildSite();
setTimeout(() => {
  console.error("Lighthouse 测试超过 20 分钟仍未结束，已中止。");
  process.exit(1);
}, 20 * 60 * 1000).unref();
const types = pageTypes(out);
const scores = {};
let site;
let chrome;

before(async () => {
  mkdirSync(artefact("lighthouse"), { recursive: true });
  site = await serve(out, basePathOf(out));
  chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: CHROME_FLAGS });
});

after(async () => {
  writeFileSync(artefact("lighthouse/scores.json"), JSON.stringify(scores, null, 2) + "\n");
  await chrome?.kill();
  await site?.close();
  removeSite(out);
});

/** Runs Lighthouse on `url`; returns the category scores (0–100) and keeps the report. */
async function audit(url, name, categories) {
  const result = await lighthouse(url, {
    port: chrome.port,
    output: "html",
    logLevel: "error",
    onlyCategories: categories,
  });
  writeFileSync(artefact(`lighthouse/${name}.html`), result.report);
  const lhr = result.lhr;
  if (lhr.runtimeError) throw new Error(`Lighthouse 运行出错：${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
  const got = {};
  for (const c of categories) got[c] = Math.round(lhr.categories[c].score * 100);
  // What pulled a score down, to name in a failure.
  const failing = Object.values(lhr.audits)
    .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual")
    .map((a) => `${a.id}（${a.score}）${a.displayValue ? `：${a.displayValue}` : ""}`);
  return { got, failing };
}

function below(got, floors) {
  return Object.entries(floors)
    .filter(([c, floor]) => got[c] < floor)
    .map(([c, floor]) => `${c} ${got[c]}，低于 ${floor}`);
}

describe("Lighthouse（移动端预设，默认模拟限速）", () => {
  for (const [label, path] of types) {
    it(`${label}：无障碍 100、最佳做法 100、SEO ≥ 95、性能 ≥ 95`, async () => {
      const url = path === "404.html" ? urlOf(site, "404.html") : urlOf(site, path);
      const name = path.replace(/\/index\.html$|\.html$/, "").replace(/[^\w\u4e00-\u9fff-]+/g, "_");
      const { got, failing } = await audit(url, name, Object.keys(FLOORS));
      scores[label] = { path, ...got };
      const low = below(got, FLOORS);
      assert.deepEqual(low, [], `${path}：${low.join("，")}\n未通过的审核：\n${failing.join("\n")}`);
    });
  }

  it("县级语料（12 × 10,000 行）最大的月份页：性能 ≥ 90", { skip: process.env.GONGKAI_LIGHTHOUSE_COUNTY === "0" }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "gongkai-lighthouse-county-"));
    try {
      const corpus = join(dir, "site");
      let publicDir = process.env.GONGKAI_LIGHTHOUSE_COUNTY_OUT;
      if (!publicDir) {
        publicDir = join(dir, "public");
        const run = (args) => {
          const r = spawnSync("cargo", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15 * 60 * 1000 });
          if (r.status !== 0) throw new Error(`cargo ${args.join(" ")} 失败：\n${r.stdout}\n${r.stderr}`);
        };
        run(["run", "--release", "--quiet", "--example", "gen_corpus", "--", "--out", corpus, "--size", "county"]);
        run(["run", "--release", "--quiet", "--", "build", "--root", corpus, "--out", publicDir]);
      }
      const months = readdirSync(join(publicDir, "months")).filter((m) => /^\d{4}-\d{2}$/.test(m));
      const largest = months
        .map((m) => ({ path: `months/${m}/index.html`, size: statSync(join(publicDir, "months", m, "index.html")).size }))
        .sort((a, b) => b.size - a.size)[0];
      const county = await serve(publicDir, basePathOf(publicDir));
      try {
        const { got, failing } = await audit(urlOf(county, largest.path), "county-largest-month", ["performance"]);
        scores["县级语料最大月份页"] = { path: largest.path, bytes: largest.size, ...got };
        const low = below(got, COUNTY_FLOORS);
        assert.deepEqual(low, [], `${largest.path}（${largest.size} 字节）：${low.join("，")}\n${failing.join("\n")}`);
      } finally {
        await county.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
