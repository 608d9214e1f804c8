// Eligibility funnel: one audience open at a time, deep links (#une-administration),
// back/forward, and question trees whose changed answers clear what lay below them.
(function () {
  "use strict";
  var listening = false;

  function audiences() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-funnel] details[data-audience]"));
  }

  function clearAnswers(element) {
    element.querySelectorAll("input[type=radio]").forEach(function (input) { input.checked = false; });
  }

  function fragment() {
    try { return decodeURIComponent(location.hash.slice(1)); } catch (error) { return ""; } // malformed: names nothing
  }

  // An audience answers to its id and to the anchors of the published entries it replaces (data-anchors).
  function names(details, id) {
    return !!id && (details.id === id || (details.dataset.anchors || "").split(" ").indexOf(id) !== -1);
  }

  function applyHash(focus) {
    var list = audiences();
    if (!list.length) return;
    var id = fragment();
    var target = list.find(function (d) { return names(d, id); });
    list.forEach(function (d) { d.open = d === target; });
    // After the theme has handled the same history event (it resets focus), move focus to the opened choice.
    if (target && focus) setTimeout(function () { target.querySelector("summary").focus(); }, 0);
  }

  function init(root, page) {
    var swapped = page.swapped;
    var list = audiences();
    list.forEach(function (details) {
      details.addEventListener("toggle", function () {
        if (details.open) {
          list.forEach(function (other) { if (other !== details) other.open = false; });
          if (!names(details, fragment())) history.pushState(null, "", "#" + details.id);
        } else {
          clearAnswers(details);
          var anyOpen = list.some(function (d) { return d.open; });
          if (!anyOpen && location.hash === "#" + details.id) {
            history.pushState(null, "", location.pathname + location.search);
          }
        }
      });
    });
    root.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "radio") return;
      var question = input.closest(".qt-question");
      question.querySelectorAll(":scope > .qt-outcome").forEach(function (outcome) {
        if (outcome.dataset.outcome !== input.value) clearAnswers(outcome);
      });
    });
    // On a first load the browser already starts keyboard navigation at the #fragment target;
    // after a swapped document (back/forward), focus the choice the fragment opens.
    applyHash(swapped);
    if (!listening) {
      listening = true;
      window.addEventListener("popstate", function () { applyHash(true); });
      window.addEventListener("hashchange", function () { applyHash(true); });
    }
  }

  window.apiCatalogueWidget("funnel", init);
})();
