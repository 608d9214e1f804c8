// Catalogue filters: free text (accent-insensitive, every term must match, over titles, taglines,
// producers and keywords), theme, access mode, profile and FranceConnect. With a profile, each card says
// the API's answer for it; which APIs a profile sees, and the answers' words, come from the page (Python decides).
// The filters live in the URL so a list can be shared (`texte`, not `q`: the theme's search reads `q`).
(function () {
  "use strict";
  function fold(text) {
    return (text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function init(form) {
    var items = Array.prototype.slice.call(document.querySelectorAll(".api-list .api-item"));
    var haystacks = items.map(function (item) { return fold(item.dataset.search); });
    var count = document.querySelector("[data-catalogue-count]");
    var params = new URLSearchParams(location.search);
    form.elements.texte.value = params.get("texte") || "";
    form.elements.theme.value = params.get("theme") || "";
    form.elements.acces.value = params.get("acces") || "";
    form.elements.fc.checked = params.get("fc") === "1";
    var role = form.elements.public;
    if (role) role.value = params.get("public") || "";
    var labels = JSON.parse(form.dataset.answerLabels);
    function answerFor(item, wanted) {
      var found = (item.dataset.answers || "").split(" ").filter(function (pair) {
        return pair.split(":")[0] === wanted;
      })[0];
      return found ? found.split(":")[1] : "";
    }

    function apply() {
      var terms = fold(form.elements.texte.value).split(/\s+/).filter(Boolean);
      var theme = form.elements.theme.value;
      var access = form.elements.acces.value;
      var fc = form.elements.fc.checked;
      var profile = role ? role.value : "";
      var shown = 0;
      items.forEach(function (item, index) {
        var answer = profile ? answerFor(item, profile) : "";
        var allowed = !profile || (" " + item.dataset.listed).indexOf(" " + profile + " ") !== -1;
        var ok = terms.every(function (t) { return haystacks[index].indexOf(t) !== -1; }) &&
          (!theme || (" " + item.dataset.themes).indexOf(" " + theme + " ") !== -1) &&
          (!access || item.dataset.access === access) &&
          (!fc || item.dataset.fc === "1") && allowed;
        var badge = item.querySelector("[data-condition]");
        if (badge) {
          badge.hidden = !answer;
          badge.className = "badge api-item__condition badge--condition-" + answer;
          badge.textContent = answer ? "Profil choisi : " + (Object.prototype.hasOwnProperty.call(labels, answer) ? labels[answer] : answer) : "";
        }
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown + " API affichée" + (shown > 1 ? "s" : "") + " sur " + items.length;
      empty.hidden = shown > 0;
      var url = new URL(location.href);
      [["texte", form.elements.texte.value.trim()], ["theme", theme], ["acces", access], ["fc", fc ? "1" : ""], ["public", profile]].forEach(function (p) {
        if (p[1]) url.searchParams.set(p[0], p[1]); else url.searchParams.delete(p[0]);
      });
      history.replaceState(history.state, "", url.pathname + url.search + url.hash);
    }

    var empty = document.querySelector("[data-catalogue-empty]");
    empty.querySelector("[data-catalogue-clear]").addEventListener("click", function () {
      form.reset();
      apply();
      form.elements.texte.focus();
    });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }
  window.apiCatalogueWidget("catalogue", init);
})();
