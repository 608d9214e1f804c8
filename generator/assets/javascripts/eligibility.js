// "Qui êtes-vous ?": pick a profile, see only its section. The choice lives in the URL (?public=<role>),
// so a link can open the page on one profile. Without JavaScript every section is shown.
(function () {
  "use strict";
  function init(form) {
    var sections = Array.prototype.slice.call(document.querySelectorAll(".eligibility-role"));
    var roles = sections.map(function (section) { return section.id; });

    function show(role) {
      sections.forEach(function (section) { section.hidden = Boolean(role) && section.id !== role; });
      var url = new URL(location.href);
      if (role) url.searchParams.set("public", role); else url.searchParams.delete("public");
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    }

    var wanted = new URLSearchParams(location.search).get("public") || "";
    if (roles.indexOf(wanted) === -1) wanted = "";  // an unknown profile shows them all
    form.elements.public.value = wanted;
    form.addEventListener("change", function () { show(form.elements.public.value); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    show(wanted);
  }
  window.apiCatalogueWidget("eligibility", init);
})();
