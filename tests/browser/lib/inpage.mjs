// Measurements taken inside the page (passed to page.evaluate). Each returns a list of
// problems in Chinese, empty when the page passes, so a failure names what to fix.

/** Horizontal overflow of the page body at the current viewport. */
export function overflowProblems() {
  const doc = document.documentElement;
  const problems = [];
  const width = doc.clientWidth;
  if (doc.scrollWidth > width + 1) {
    // Name the widest offenders so the failure says what to fix.
    const wide = [...document.body.querySelectorAll("*")]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > width + 1 && r.width > 0 && !el.closest("[data-scroll-ok], .table-wrap");
      })
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`);
    problems.push(`页面宽 ${doc.scrollWidth}px，超出屏幕 ${width}px：${wide.join("、")}`);
  }
  return problems;
}

/**
 * Every table is readable on a phone: stacked (its rows are blocks), or inside a
 * horizontally scrolling container that is a labelled region reachable by keyboard.
 */
export function tableProblems() {
  const problems = [];
  const width = document.documentElement.clientWidth;
  document.querySelectorAll("table").forEach((table, i) => {
    const name = table.caption ? table.caption.textContent.trim().slice(0, 30) : `第 ${i + 1} 个表格`;
    const display = getComputedStyle(table).display;
    const row = table.querySelector("tbody tr");
    const stacked = display !== "table" || (row && !["table-row"].includes(getComputedStyle(row).display));
    if (stacked) {
      const r = table.getBoundingClientRect();
      if (r.width > width + 1) problems.push(`表格「${name}」已改为卡片显示，但宽 ${Math.round(r.width)}px 超出屏幕`);
      return;
    }
    let box = table.parentElement;
    while (box && box !== document.body) {
      const ox = getComputedStyle(box).overflowX;
      if (ox === "auto" || ox === "scroll") break;
      box = box.parentElement;
    }
    if (!box || box === document.body) {
      if (table.getBoundingClientRect().width > width + 1) {
        problems.push(`表格「${name}」比屏幕宽，却不在可横向滚动的容器里`);
      }
      return;
    }
    const label =
      box.getAttribute("aria-label") ||
      (box.getAttribute("aria-labelledby") || "")
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent.trim() || "")
        .join("");
    if (box.getAttribute("role") !== "region" || !label) {
      problems.push(`表格「${name}」的滚动容器缺少 role="region" 或名称（aria-label/aria-labelledby）`);
    }
    if (box.tabIndex !== 0) problems.push(`表格「${name}」的滚动容器不能用键盘聚焦（tabindex="0"）`);
    if (box.getBoundingClientRect().right > width + 1) problems.push(`表格「${name}」的滚动容器超出屏幕`);
  });
  return problems;
}

// Each function is sent to the page on its own (page.evaluate serialises it), so helpers
// are defined inside the function that uses them; `shown`: rendered and not visually
// hidden (clip-based screen-reader text is 1px).

/**
 * Body text of at least `minPx` px with a line height of at least 1.5: every visible
 * element that holds text directly, except headings (larger) and the visually hidden.
 */
export function typographyProblems(minPx) {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.display !== "none";
  };
  const problems = [];
  const seen = new Set();
  for (const el of document.body.querySelectorAll("*")) {
    if (!shown(el) || el.closest("svg")) continue;
    const hasText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!hasText) continue;
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    const tag = el.tagName.toLowerCase();
    const lh = cs.lineHeight === "normal" ? 1.2 * size : parseFloat(cs.lineHeight);
    const key = `${tag}.${el.className}`;
    if (size < minPx - 0.01 && !seen.has(`s${key}`)) {
      seen.add(`s${key}`);
      problems.push(`<${tag} class="${el.className}">「${el.textContent.trim().slice(0, 12)}」字号 ${size}px，小于 ${minPx}px`);
    }
    const block = ["p", "li", "dd", "td", "th", "dt", "blockquote", "figcaption", "caption"].includes(tag);
    if (block && lh < 1.5 * size - 0.5 && !seen.has(`l${key}`)) {
      seen.add(`l${key}`);
      problems.push(`<${tag} class="${el.className}">「${el.textContent.trim().slice(0, 12)}」行高 ${(lh / size).toFixed(2)}，小于 1.5`);
    }
  }
  return problems;
}

/**
 * Touch targets of at least 44 × 44 px: every visible link and control that stands on
 * its own (a link inside running text is exempt, as WCAG 2.5.5 allows).
 */
export function targetProblems() {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.display !== "none";
  };
  const problems = [];
  const controls = document.querySelectorAll(
    "a[href], button, select, summary, input:not([type=hidden]), label[for], [tabindex='0']",
  );
  for (const el of controls) {
    if (!shown(el)) continue;
    if (el.matches("[tabindex='0']") && !el.matches("a, button")) continue; // scroll regions, main
    if (el.matches("a")) {
      // Inline in a sentence: the closest block holds more text than the link.
      let block = el.parentElement;
      while (block && getComputedStyle(block).display.startsWith("inline")) block = block.parentElement;
      const own = el.textContent.replace(/\s+/g, "");
      const around = (block?.textContent || "").replace(/\s+/g, "");
      if (around.length > own.length) continue;
    }
    const r = el.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      problems.push(
        `<${el.tagName.toLowerCase()}>「${el.textContent.trim().slice(0, 16)}」点击区域 ${Math.round(r.width)}×${Math.round(r.height)}px，小于 44×44px`,
      );
    }
  }
  return problems.slice(0, 15);
}

/** Content hidden from sighted readers (display:none or visibility:hidden) in <main>. */
export function hiddenContentProblems() {
  const problems = [];
  const main = document.querySelector("main");
  if (!main) return ["页面没有 <main>"];
  for (const el of main.querySelectorAll("*")) {
    if (!el.textContent.trim() || el.closest("details:not([open])") || el.closest("template, noscript")) continue;
    const cs = getComputedStyle(el);
    if (cs.display === "none" || cs.visibility === "hidden") {
      const parentHidden = el.parentElement && el.parentElement !== main &&
        (getComputedStyle(el.parentElement).display === "none" || getComputedStyle(el.parentElement).visibility === "hidden");
      if (!parentHidden) problems.push(`<${el.tagName.toLowerCase()} class="${el.className}">「${el.textContent.trim().slice(0, 20)}」被隐藏`);
    }
  }
  return problems;
}

/** Every link of the page: href (absolute) and text. */
export function links() {
  return [...document.querySelectorAll("a[href]")].map((a) => ({
    href: a.href,
    raw: a.getAttribute("href"),
    text: a.textContent.trim().slice(0, 30),
  }));
}

/**
 * Elements a keyboard user must reach: links, controls and focusable regions, each
 * with a short description. Marks each with data-kb-id so the tab walk can name it.
 */
export function focusTargets() {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) return false;
    const cs = getComputedStyle(el);
    return cs.visibility !== "hidden" && cs.display !== "none";
  };
  const list = [];
  const els = document.querySelectorAll(
    "a[href], button, select, textarea, summary, input:not([type=hidden]), [tabindex]:not([tabindex='-1'])",
  );
  els.forEach((el, i) => {
    if (el.disabled) return;
    const visuallyHiddenInput = el.matches("input") && el.id && document.querySelector(`label[for="${el.id}"]`);
    if (!shown(el) && !visuallyHiddenInput && !el.matches(".skip-link, a[href^='#']")) return;
    el.setAttribute("data-kb-id", String(i));
    list.push({ id: String(i), what: `<${el.tagName.toLowerCase()}>「${(el.textContent || el.id).trim().slice(0, 16)}」` });
  });
  return list;
}

/**
 * The focused element and whether its focus is visible: an outline of at least 2px
 * or a box shadow on it, or (for a visually hidden checkbox) on its label.
 */
export function focusState() {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const ring = (node) => {
    const cs = getComputedStyle(node);
    const outline = cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2;
    return outline || (cs.boxShadow && cs.boxShadow !== "none");
  };
  let visible = ring(el);
  if (!visible && el.matches("input") && el.id) {
    const label = document.querySelector(`label[for="${el.id}"]`);
    visible = !!label && ring(label);
  }
  return { id: el.getAttribute("data-kb-id"), tag: el.tagName.toLowerCase(), text: (el.textContent || "").trim().slice(0, 16), visible };
}
