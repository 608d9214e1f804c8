// Start-up shared by the widgets. Markup names the widget that drives it (data-widget="scopes"); that widget's
// file (scopes.js, beside this one) is loaded the first time a page holds such an element, so a page loads only
// the widgets it shows. Each widget starts once per element, on the first page and after each of the theme's
// instant navigations (which swap the page without reloading scripts).
(function () {
  "use strict";
  var folder = document.currentScript.src;  // the widgets' files sit beside this one
  var pages = 0;
  var starts = {};  // widget name → its start function, once its file has run
  var loading = {};  // widget name → true while its file loads

  function startOn(name) {
    document.querySelectorAll('[data-widget="' + name + '"]').forEach(function (element) {
      if (element.dataset.ready) return;
      starts[name](element, {swapped: pages > 1});  // swapped: this page came by instant navigation
      element.dataset.ready = "1";  // what tests and styles wait for: the widget is live
    });
  }

  function load(name) {
    if (loading[name] || !/^[a-z][a-z-]*$/.test(name)) return;  // only our own files, once
    loading[name] = true;
    var script = document.createElement("script");
    script.src = new URL(name + ".js", folder).href;
    script.onerror = function () { loading[name] = false; };  // the next page tries again
    document.body.appendChild(script);  // the file registers itself, which starts its elements
  }

  function startAll() {
    pages += 1;
    var names = {};
    document.querySelectorAll("[data-widget]").forEach(function (element) { names[element.dataset.widget] = true; });
    Object.keys(names).forEach(function (name) {
      if (starts[name]) startOn(name);
      else load(name);
    });
  }

  window.apiCatalogueWidget = function (name, start) {
    starts[name] = start;
    if (pages) startOn(name);
  };

  function subscribe() {
    if (window.document$) window.document$.subscribe(startAll);
    else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
    else startAll();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", subscribe);
  else setTimeout(subscribe, 0);
})();
