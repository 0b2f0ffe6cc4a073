// Remembers the large-text, high-contrast reading mode (适老化) across pages. The mode
// itself is a checkbox that works without JavaScript; this only keeps the choice.
(function () {
  "use strict";
  var KEY = "gongkai-reading-mode";
  var toggle = document.getElementById("reading-mode");
  if (!toggle) {
    return;
  }
  var store = null;
  try {
    store = window.localStorage;
  } catch (e) {
    // Storage blocked (private mode, file:// in some browsers): the switch still works.
  }
  if (store && store.getItem(KEY) === "on") {
    toggle.checked = true;
  }
  toggle.addEventListener("change", function () {
    if (!store) {
      return;
    }
    try {
      if (toggle.checked) {
        store.setItem(KEY, "on");
      } else {
        store.removeItem(KEY);
      }
    } catch (e) {
      // Quota or privacy settings: nothing to remember, nothing to break.
    }
  });
})();
