// gongkai serve: reload this page when the site is rebuilt. Injected by the preview
// server only; the built site never contains it.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = me ? me.getAttribute("data-generation") : null;
  if (!window.EventSource) {
    return;
  }
  var source = new EventSource("/__gongkai/events");
  function check(event) {
    if (event.data !== generation) {
      source.close();
      window.location.reload();
    }
  }
  // "generation" arrives on connecting (a rebuild may have happened while the page
  // loaded); "reload" after every rebuild.
  source.addEventListener("generation", check);
  source.addEventListener("reload", check);
})();
