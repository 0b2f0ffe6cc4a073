// The browser suite's harness: build the bundled example site, serve it on loopback
// under the sub-path of its base_url, start Debian's Chromium through playwright-core
// (never a downloaded browser), and name one page of every page type.

import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

/** The repository root. */
export const ROOT = resolve(fileURLToPath(new URL("../../..", import.meta.url)));

/** Where screenshots and PDFs are kept for a person to look at (gitignored). */
export const ARTEFACTS = join(ROOT, "test-artefacts");

/** Chromium from Debian's package; override with CHROMIUM=/path. */
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Phone and desktop viewports. */
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * Builds the example site at the repository root into a fresh temp folder with the
 * release binary, exactly as a user would (`cargo run --release -- build --out DIR`).
 */
export function buildSite() {
  const out = join(mkdtempSync(join(tmpdir(), "gongkai-browser-")), "public");
  const run = spawnSync("cargo", ["run", "--release", "--quiet", "--", "build", "--out", out], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 15 * 60 * 1000,
  });
  if (run.status !== 0) {
    throw new Error(`gongkai build failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return out;
}

/** The path part of the site's base_url (`/lh/aqsc/`), read from the built home page. */
export function basePathOf(out) {
  const home = readFileSync(join(out, "index.html"), "utf8");
  const canonical = home.match(/<link rel="canonical" href="([^"]+)"/);
  if (!canonical) return "/";
  const path = new URL(canonical[1]).pathname;
  return path.endsWith("/") ? path : path.replace(/[^/]*$/, "");
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".txt": "text/plain; charset=utf-8",
};

/**
 * Serves `out` on 127.0.0.1 (a free port) under `basePath`, like a government portal
 * hosting the site in a sub-folder. A missing file gets 404.html with status 404.
 * Returns `{ origin, base, close }` where `base` is the site's URL.
 */
export async function serve(out, basePath) {
  const rootDir = resolve(out);
  const server = createServer((req, res) => {
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const send = (status, file) => {
      res.writeHead(status, {
        "content-type": TYPES[extname(file)] || "application/octet-stream",
        "cache-control": "no-store",
      });
      res.end(readFileSync(file));
    };
    if (!path.startsWith(basePath)) {
      send(404, join(rootDir, "404.html"));
      return;
    }
    let file = normalize(join(rootDir, path.slice(basePath.length)));
    if (file !== rootDir && !file.startsWith(rootDir + sep)) {
      send(404, join(rootDir, "404.html"));
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (existsSync(file) && statSync(file).isFile()) send(200, file);
    else send(404, join(rootDir, "404.html"));
  });
  // Bounded: nothing keeps a connection open past a few seconds.
  server.keepAliveTimeout = 2000;
  server.requestTimeout = 10000;
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    base: `${origin}${basePath}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

/**
 * Launches Chromium headless. playwright-core gives every launch a fresh, temporary
 * `--user-data-dir` of its own and removes it on close.
 */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`找不到 Chromium：${CHROMIUM}。请运行 apt-get install -y chromium，或用环境变量 CHROMIUM 指定路径。`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

function dirs(out, folder) {
  const full = join(out, folder);
  if (!existsSync(full)) return [];
  return readdirSync(full)
    .filter((name) => existsSync(join(full, name, "index.html")))
    .sort();
}

/** The pages of `folder`: `<name>/index.html` pages, or `<name>.html` files (hazards). */
function pagesIn(out, folder) {
  const full = join(out, folder);
  if (!existsSync(full)) return [];
  const files = readdirSync(full)
    .filter((name) => name.endsWith(".html") && name !== "index.html")
    .sort()
    .map((name) => `${folder}/${name}`);
  return [...dirs(out, folder).map((name) => `${folder}/${name}/index.html`), ...files];
}

function firstPageContaining(out, folder, needle) {
  for (const path of pagesIn(out, folder)) {
    const html = readFileSync(join(out, path), "utf8");
    if (html.includes(needle)) return path;
  }
  return pagesIn(out, folder)[0] ?? null;
}

/**
 * One page of every page type of the built site, as `[label, path]` pairs (paths
 * relative to the site root, unencoded). The month page is the latest month; the
 * hazard page is an open hazard with a deadline (the one about 液氨 in the example).
 */
export function pageTypes(out) {
  const months = dirs(out, "months");
  const notices = dirs(out, "notices").filter((n) => n !== "category" && !/^\d+$/.test(n));
  const list = [
    ["首页", "index.html"],
    ["每月公开目录", "disclosure/index.html"],
    ["月份页", months.length ? `months/${months[months.length - 1]}/index.html` : null],
    ["隐患页", firstPageContaining(out, "hazards", "液氨")],
    ["村（社区）目录", "villages/index.html"],
    ["村（社区）页", firstPageContaining(out, "villages", "<h1")],
    ["行业领域目录", "sectors/index.html"],
    ["行业领域页", dirs(out, "sectors").includes("燃气") ? "sectors/燃气/index.html" : firstPageContaining(out, "sectors", "<h1")],
    ["通知公告目录", "notices/index.html"],
    ["通知页", notices.length ? `notices/${notices[0]}/index.html` : null],
    ["举报电话页", "hotline/index.html"],
    ["开放数据与数据字典", "data/index.html"],
    ["更正记录", "corrections/index.html"],
    ["更正过的隐患页", firstPageContaining(out, "hazards", 'id="corrections-title"')],
    ["任务清单", firstPageContaining(out, "tasks", "<table")],
    ["固定页面", firstPageContaining(out, "pages", "<h1")],
    ["站内搜索", "search/index.html"],
    ["404", "404.html"],
  ];
  return list.filter(([, path]) => path && existsSync(join(out, path)));
}

/** The URL of `path` (relative to the site root) on the server `site`. */
export function urlOf(site, path) {
  return site.base + path.split("/").map(encodeURIComponent).join("/");
}

/** A file name for an artefact of `label`. */
export function artefact(name) {
  mkdirSync(ARTEFACTS, { recursive: true });
  return join(ARTEFACTS, name);
}

/** Removes the built site's temp folder. */
export function removeSite(out) {
  rmSync(resolve(out, ".."), { recursive: true, force: true });
}
