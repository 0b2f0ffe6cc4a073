// Site search on the search page, over the index `gongkai build` writes to
// search/index/ (see src/render/search/). Progressive enhancement: the page is a note
// with links to the month, village and sector indexes; this script puts the search
// controls (a <template>) in place and answers them. Opened from disk (file://)
// browsers refuse to fetch the index, so the script only says so in the note.
//
// Tokens are made as in src/render/search/tokens.rs: NFKC + lower case; CJK runs give
// their character pairs (a lone character itself); ASCII letter/digit runs are words,
// looked up by their first `prefix` characters. A record matches when it holds every
// token (AND); title hits rank first, then the index order (newest first).
(function () {
  "use strict";

  var ui = document.getElementById("search-ui");
  var note = document.getElementById("search-nojs");
  if (!ui || !ui.content) {
    return;
  }
  if (window.location.protocol === "file:") {
    // The script runs, but browsers refuse to read the index from disk: say so.
    if (note) {
      note.textContent = "从本地磁盘打开网页时，浏览器不允许读取搜索索引，站内搜索无法使用。" +
        "请按下面的月份、村（社区）或行业领域查找；网站发布到网站服务器后即可搜索。";
    }
    return;
  }
  if (!window.fetch || !window.TextEncoder) {
    if (note) {
      note.textContent = "这个浏览器版本过旧，无法使用站内搜索。请按下面的月份、村（社区）或行业领域查找。";
    }
    return;
  }
  ui.parentNode.replaceChild(ui.content.cloneNode(true), ui);
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var filtersBox = document.getElementById("search-filters");
  var statusBox = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  // "显示更多结果" exists only with the script (without it there is nothing to page).
  var more = document.createElement("button");
  more.type = "button";
  more.id = "search-more";
  more.className = "search-more";
  more.textContent = "显示更多结果";
  more.hidden = true;
  var moreRow = document.createElement("p");
  moreRow.className = "search-more-row";
  moreRow.appendChild(more);
  list.parentNode.insertBefore(moreRow, list.nextSibling);
  var metaUrl = new URL(form.getAttribute("data-index"), window.location.href);
  var root = new URL(form.getAttribute("data-root") || "./", window.location.href);
  var PAGE = 20;
  var DEBOUNCE_MS = 300;
  var VERSION = 1;

  var meta = null;
  var selects = [];
  var shards = new Map();
  var chunks = new Map();
  var current = null; // { hits: [record numbers], shown: count, terms: [...] }
  var sequence = 0;
  var timer = 0;
  var lastRun = null;

  if (note) {
    note.hidden = true;
  }

  // ---- tokens (keep in step with tokens.rs) ----

  function isCjk(cp) {
    return (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x20000 && cp <= 0x3134f) ||
      (cp >= 0x3040 && cp <= 0x30ff) || (cp >= 0xac00 && cp <= 0xd7af) ||
      cp === 0x3005 || cp === 0x3007;
  }

  function isWordChar(ch) {
    return /^[a-z0-9]$/.test(ch);
  }

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  // The query's tokens and, for words longer than the indexed prefixes, the words
  // themselves (checked against each candidate's text).
  function queryTokens(query, prefix) {
    var chars = Array.from(normalize(query));
    var tokens = [];
    var longWords = [];
    var terms = [];
    function push(t) {
      if (tokens.indexOf(t) < 0) {
        tokens.push(t);
      }
    }
    var i = 0;
    while (i < chars.length) {
      var c = chars[i];
      var j = i;
      if (isWordChar(c)) {
        while (j < chars.length && isWordChar(chars[j])) {
          j++;
        }
        var word = chars.slice(i, j).join("");
        push(word.slice(0, prefix));
        if (word.length > prefix && longWords.indexOf(word) < 0) {
          longWords.push(word);
        }
        terms.push(word);
      } else if (isCjk(c.codePointAt(0))) {
        while (j < chars.length && isCjk(chars[j].codePointAt(0))) {
          j++;
        }
        if (j - i === 1) {
          push(c);
        }
        for (var k = i; k + 1 < j; k++) {
          push(chars[k] + chars[k + 1]);
        }
        terms.push(chars.slice(i, j).join(""));
      } else {
        j++;
      }
      i = j;
    }
    return { tokens: tokens, longWords: longWords, terms: terms };
  }

  var encoder = new TextEncoder();

  // FNV-1a (32 bits) of the UTF-8 bytes, as tokens::hash.
  function hash(token) {
    var h = 0x811c9dc5;
    var bytes = encoder.encode(token);
    for (var i = 0; i < bytes.length; i++) {
      h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  // ---- index files ----

  function getJson(path) {
    return fetch(new URL(path, metaUrl).href).then(function (res) {
      if (!res.ok) {
        throw new Error(res.status + " " + path);
      }
      return res.json();
    });
  }

  function shard(n) {
    if (!shards.has(n)) {
      shards.set(n, getJson("t/" + n + ".json"));
    }
    return shards.get(n);
  }

  function chunk(n) {
    if (!chunks.has(n)) {
      chunks.set(n, getJson("r/" + n + ".json"));
    }
    return chunks.get(n);
  }

  // A token's postings: Map record number → in title.
  function postings(token) {
    return shard(hash(token) & (meta.shards - 1)).then(function (s) {
      var out = new Map();
      var deltas = Object.prototype.hasOwnProperty.call(s, token) ? s[token] : [];
      var record = 0;
      for (var i = 0; i < deltas.length; i++) {
        record += Math.floor(deltas[i] / 2);
        out.set(record, deltas[i] % 2 === 1);
      }
      return out;
    });
  }

  function record(n) {
    return chunk(Math.floor(n / meta.chunk)).then(function (c) {
      return c[n % meta.chunk];
    });
  }

  // ---- matching ----

  function activeFilters() {
    var out = [];
    selects.forEach(function (s) {
      if (s.select.value) {
        out.push(s.name + "=" + s.select.value);
      }
    });
    return out;
  }

  // Record numbers holding every token and filter value, title hits first.
  function match(q, filters) {
    var wanted = q.tokens.map(function (t) {
      return postings(t);
    });
    var facetLists = filters.map(function (t) {
      return postings(t);
    });
    var exact = q.longWords.map(function (w) {
      return postings(w);
    });
    return Promise.all([Promise.all(wanted), Promise.all(facetLists), Promise.all(exact)])
      .then(function (all) {
        var lists = all[0];
        var facets = all[1];
        var exactLists = all[2];
        var first = lists.length ? lists[0] : facets[0];
        var hits = [];
        first.forEach(function (title, n) {
          var inTitle = lists.length > 0;
          for (var i = 0; i < lists.length; i++) {
            if (!lists[i].has(n)) {
              return;
            }
            inTitle = inTitle && lists[i].get(n);
          }
          for (var f = 0; f < facets.length; f++) {
            if (!facets[f].has(n)) {
              return;
            }
          }
          hits.push({ n: n, title: inTitle });
        });
        hits.sort(function (a, b) {
          return (a.title === b.title ? 0 : a.title ? -1 : 1) || a.n - b.n;
        });
        var numbers = hits.map(function (h) {
          return h.n;
        });
        if (!q.longWords.length) {
          return numbers;
        }
        // A word longer than the indexed prefixes: keep records that hold it whole
        // (indexed as a word) or whose shown text contains it.
        return Promise.all(numbers.map(record)).then(function (records) {
          return numbers.filter(function (n, i) {
            var text = normalize(records[i].t + " " + records[i].x);
            return q.longWords.every(function (w, k) {
              return exactLists[k].has(n) || text.indexOf(w) >= 0;
            });
          });
        });
      });
  }

  // ---- showing results ----

  // `text` with every occurrence of `terms` (normalised) in <mark>, cut to a window
  // around the first one when `limit` is given.
  function marked(text, terms, limit) {
    var chars = Array.from(text);
    var norm = "";
    var map = [];
    chars.forEach(function (ch, i) {
      var n = normalize(ch);
      norm += n;
      for (var k = 0; k < n.length; k++) {
        map.push(i);
      }
    });
    var hit = new Array(chars.length).fill(false);
    var firstHit = -1;
    terms.forEach(function (term) {
      if (!term) {
        return;
      }
      var at = norm.indexOf(term);
      while (at >= 0) {
        var from = map[at];
        var to = map[at + term.length - 1];
        for (var i = from; i <= to; i++) {
          hit[i] = true;
        }
        if (firstHit < 0 || from < firstHit) {
          firstHit = from;
        }
        at = norm.indexOf(term, at + term.length);
      }
    });
    var start = 0;
    var end = chars.length;
    if (limit && chars.length > limit) {
      start = Math.max(0, (firstHit < 0 ? 0 : firstHit) - Math.floor(limit / 4));
      end = Math.min(chars.length, start + limit);
    }
    var frag = document.createDocumentFragment();
    if (start > 0) {
      frag.appendChild(document.createTextNode("…"));
    }
    var i = start;
    while (i < end) {
      var j = i;
      while (j < end && hit[j] === hit[i]) {
        j++;
      }
      var piece = chars.slice(i, j).join("");
      if (hit[i]) {
        var m = document.createElement("mark");
        m.textContent = piece;
        frag.appendChild(m);
      } else {
        frag.appendChild(document.createTextNode(piece));
      }
      i = j;
    }
    if (end < chars.length) {
      frag.appendChild(document.createTextNode("…"));
    }
    return frag;
  }

  function href(path) {
    return new URL(path.split("/").map(encodeURIComponent).join("/"), root).href;
  }

  function item(r, terms) {
    var li = document.createElement("li");
    li.className = "search-result";
    var kind = document.createElement("span");
    kind.className = "search-kind";
    kind.textContent = r.k;
    var a = document.createElement("a");
    a.href = href(r.u);
    a.appendChild(marked(r.t, terms, 0));
    li.appendChild(kind);
    li.appendChild(a);
    if (r.l) {
      var facts = document.createElement("p");
      facts.className = "search-facts";
      facts.textContent = r.l;
      li.appendChild(facts);
    }
    if (r.x) {
      var p = document.createElement("p");
      p.appendChild(marked(r.x, terms, 90));
      li.appendChild(p);
    }
    return li;
  }

  function say(text) {
    statusBox.textContent = text;
  }

  function showMore(seq, focusFirst) {
    var from = current.shown;
    var numbers = current.hits.slice(from, from + PAGE);
    return Promise.all(numbers.map(record)).then(function (records) {
      if (seq !== sequence) {
        return;
      }
      var firstLink = null;
      records.forEach(function (r) {
        var li = item(r, current.terms);
        list.appendChild(li);
        firstLink = firstLink || li.querySelector("a");
      });
      current.shown = from + records.length;
      list.hidden = current.shown === 0;
      more.hidden = current.shown >= current.hits.length;
      if (focusFirst && firstLink) {
        firstLink.focus();
      }
    });
  }

  function clear() {
    list.textContent = "";
    list.hidden = true;
    more.hidden = true;
  }

  function run() {
    var query = input.value.trim();
    var filters = activeFilters();
    var key = query + "\u0000" + filters.join("\u0000");
    if (key === lastRun) {
      return;
    }
    lastRun = key;
    remember(query);
    var seq = ++sequence;
    var q = queryTokens(query, meta.prefix);
    statusBox.removeAttribute("data-query");
    if (!q.tokens.length && !filters.length) {
      clear();
      current = null;
      statusBox.setAttribute("data-query", query);
      say(query ? "请输入汉字、字母或数字进行搜索。" : "");
      return;
    }
    say("正在搜索…");
    match(q, filters)
      .then(function (hits) {
        if (seq !== sequence) {
          return;
        }
        clear();
        current = { hits: hits, shown: 0, terms: q.terms.concat(q.tokens) };
        if (!hits.length) {
          statusBox.setAttribute("data-query", query);
          say("没有找到" + (query ? "与“" + query + "”有关的" : "符合条件的") +
            "内容。请换个词，或减少筛选条件，也可以按下面的月份、村（社区）、行业领域查找。");
          return;
        }
        say("找到 " + hits.length + " 条结果");
        // `data-query` says the results of `query` are on the page: set only once
        // the first records (fetched in chunks) are listed.
        return showMore(seq, false).then(function () {
          if (seq === sequence) {
            statusBox.setAttribute("data-query", query);
          }
        });
      })
      .catch(failed);
  }

  function failed() {
    lastRun = null;
    clear();
    say("搜索暂时无法使用（索引文件未能加载）。请稍后刷新重试，或按下面的月份、村（社区）、行业领域查找。");
    if (note) {
      note.hidden = false;
    }
  }

  // Keeps the address in step with the search, so it can be bookmarked or shared.
  function remember(query) {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    var params = new URLSearchParams();
    if (query) {
      params.set("q", query);
    }
    selects.forEach(function (s) {
      if (s.select.value) {
        params.set(s.name, s.select.value);
      }
    });
    var qs = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
  }

  function buildFilters(params) {
    meta.facets.forEach(function (facet, i) {
      if (!facet.values.length) {
        return;
      }
      var box = document.createElement("div");
      box.className = "search-filter";
      var id = "search-filter-" + i;
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = facet.name;
      var select = document.createElement("select");
      select.id = id;
      select.name = facet.name;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "全部";
      select.appendChild(all);
      facet.values.forEach(function (v) {
        var o = document.createElement("option");
        o.value = v;
        o.textContent = v;
        select.appendChild(o);
      });
      var wanted = params.get(facet.name);
      if (wanted && facet.values.indexOf(wanted) >= 0) {
        select.value = wanted;
      }
      select.addEventListener("change", run);
      box.appendChild(label);
      box.appendChild(select);
      filtersBox.appendChild(box);
      selects.push({ name: facet.name, select: select });
    });
    filtersBox.hidden = selects.length === 0;
  }

  // Enter and the button search now. The template's container may be a <form> (its
  // submit event) or a <div role="search"> (Enter in the field, the button's click).
  function submitNow(event) {
    event.preventDefault();
    window.clearTimeout(timer);
    if (meta) {
      lastRun = null;
      run();
    }
  }
  if (form.tagName === "FORM") {
    form.addEventListener("submit", submitNow);
  } else {
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.isComposing) {
        submitNow(event);
      }
    });
    var go = document.getElementById("search-go");
    if (go) {
      go.type = "button";
      go.addEventListener("click", submitNow);
    }
  }
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      if (meta) {
        run();
      }
    }, DEBOUNCE_MS);
  });
  more.addEventListener("click", function () {
    if (current) {
      showMore(sequence, true).catch(failed);
    }
  });

  getJson("meta.json")
    .then(function (m) {
      if (m.version !== VERSION) {
        throw new Error("index version " + m.version);
      }
      meta = m;
      var params = new URLSearchParams(window.location.search);
      buildFilters(params);
      var q = params.get("q");
      if (q) {
        input.value = q;
      }
      form.setAttribute("data-ready", "true");
      run();
    })
    .catch(failed);
})();
