// Starts Pagefind's search UI on the search page. Progressive enhancement: without
// JavaScript (or when the index cannot load, e.g. opened from disk) the page keeps its
// links to the month, village and sector indexes.
(function () {
  "use strict";
  var target = document.getElementById("search");
  // Opened from disk, browsers refuse to load the index files: keep the links.
  if (!target || typeof window.PagefindUI !== "function" || window.location.protocol === "file:") {
    return;
  }
  var ui = new window.PagefindUI({
    element: "#search",
    showImages: false,
    showSubResults: true,
    resetStyles: false,
    autofocus: false,
    translations: {
      placeholder: "搜索隐患、单位、通知",
      zero_results: "没有找到与 [SEARCH_TERM] 有关的内容，请换个词试试，或按月份、村（社区）、行业领域查找。"
    }
  });
  var note = document.getElementById("search-nojs");
  if (note) {
    note.hidden = true;
  }
  // `search/index.html?q=燃气` opens with the results of that query.
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
  }
})();
