// The theme starts its search as each page loads: it fetches the whole index (one entry per section of every
// page: 72 kB for the seed site, 800 kB for the 2026 catalogue) and starts a worker (40 kB of script) that
// builds it, for visitors who may never search. This file runs just before the theme's script and holds both
// back until the visitor opens the search (click, keyboard shortcut, focus) or arrives with a query in the
// address (?q= to search, ?h= to highlight). The theme's search then starts as usual, on the same request.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  var WORKER = /\/assets\/javascripts\/workers\/search\.[0-9a-f]+\.min\.js$/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var NativeWorker = window.Worker;
  var wanted = /[?&][qh]=/.test(location.search);
  var indexRequests = new WeakSet();
  var held = [];  // [request, arguments of send] waiting for the visitor

  function path(url) {
    try {
      return new URL(url, document.baseURI).pathname;
    } catch (error) {
      return "";
    }
  }

  function release() {
    if (wanted) return;
    wanted = true;
    held.splice(0).forEach(function (pending) {
      if (pending[0].readyState === XMLHttpRequest.OPENED) send.apply(pending[0], pending[1]);  // not aborted
    });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    if (INDEX.test(path(url))) indexRequests.add(this);
    else indexRequests.delete(this);  // a request object may be opened again
    return open.apply(this, arguments);
  };

  XMLHttpRequest.prototype.send = function () {
    if (!wanted && indexRequests.has(this)) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };

  // The theme's first message to its worker is the index, so the worker starts with that message: after the
  // visitor asked for the search. Until then the theme holds this stand-in, which relays both ways once started.
  function SearchWorker(url, options) {
    var stand = new EventTarget();
    var worker = null;
    stand.postMessage = function () {
      if (!worker) {
        worker = new NativeWorker(url, options);
        worker.addEventListener("message", function (event) {
          stand.dispatchEvent(new MessageEvent("message", {data: event.data}));
        });
        worker.addEventListener("error", function (event) {
          stand.dispatchEvent(new ErrorEvent("error", {message: event.message}));
        });
      }
      worker.postMessage.apply(worker, arguments);
    };
    stand.terminate = function () {
      if (worker) worker.terminate();
    };
    return stand;
  }

  if (NativeWorker && window.EventTarget) {
    window.Worker = function (url, options) {
      return WORKER.test(path(url)) ? SearchWorker(url, options) : new NativeWorker(url, options);
    };
    window.Worker.prototype = NativeWorker.prototype;
  }

  // The theme's search toggle is a checkbox (#__search) that its label, its shortcuts and its input turn on.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-md-component=search-query]")) release();
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target.id === "__search" && event.target.checked) release();
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("label[for=__search]")) release();
  }, true);
})();
