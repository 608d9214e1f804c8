// Start-up shared by the widgets: each one names the element it works on, and starts once per element, on the
// first page and after each of the theme's instant navigations (which swap the page without reloading scripts).
(function () {
  "use strict";
  var pages = 0;
  var widgets = [];

  function startAll() {
    pages += 1;
    widgets.forEach(function (widget) {
      document.querySelectorAll(widget.selector).forEach(function (element) {
        if (element.dataset.ready) return;
        widget.start(element, {swapped: pages > 1});  // swapped: this page came by instant navigation
        element.dataset.ready = "1";  // what tests and styles wait for: the widget is live
      });
    });
  }

  window.apiCatalogueWidget = function (selector, start) {
    widgets.push({selector: selector, start: start});
  };

  // The widgets' own files come after this one and register synchronously; start once they all have.
  function subscribe() {
    if (window.document$) window.document$.subscribe(startAll);
    else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
    else startAll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", subscribe);
  else setTimeout(subscribe, 0);
})();
