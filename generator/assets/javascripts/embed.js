// Third-party embeds load only when the reader asks: no request to another host on page load.
(function () {
  "use strict";
  function init(button) {
    button.hidden = false;  // without JavaScript the button would do nothing: only the link shows
    button.addEventListener("click", function () {
      var frame = button.closest("[data-embed]").querySelector("[data-embed-frame]");
      var iframe = document.createElement("iframe");
      iframe.src = button.dataset.src;
      iframe.title = button.dataset.title;
      iframe.loading = "lazy";
      iframe.referrerPolicy = "no-referrer";
      frame.appendChild(iframe);
      frame.hidden = false;
      button.hidden = true;
      iframe.focus();
    });
  }
  window.apiCatalogueWidget("embed", init);
})();
