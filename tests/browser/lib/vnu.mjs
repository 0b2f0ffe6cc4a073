// The Nu HTML Checker (npm `vnu-jar`, runs on Java) over every page of the built site.

import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { relative } from "node:path";

const require = createRequire(import.meta.url);

/** Every error the checker reports for the HTML files under `dir`, as `file:line: message`. */
export function validateHtml(dir) {
  const jar = require("vnu-jar");
  const run = spawnSync(
    "java",
    ["-Xss4m", "-jar", jar, "--errors-only", "--format", "json", "--skip-non-html", dir],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 170_000 },
  );
  if (run.error) {
    throw new Error(`无法运行 Java（Nu HTML Checker 需要）：${run.error.message}。请安装 default-jre-headless。`);
  }
  let report;
  try {
    report = JSON.parse(run.stderr || run.stdout);
  } catch {
    throw new Error(`Nu HTML Checker 的输出不是 JSON（退出码 ${run.status}）：\n${run.stderr.slice(0, 2000)}`);
  }
  return report.messages
    .filter((m) => m.type === "error" || m.subType === "fatal")
    .map((m) => {
      const file = m.url ? relative(dir, decodeURIComponent(new URL(m.url).pathname)) : "?";
      return `${file}:${m.lastLine ?? "?"}: ${m.message}${m.extract ? `（${m.extract.trim().slice(0, 80)}）` : ""}`;
    });
}
