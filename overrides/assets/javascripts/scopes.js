// Scope chooser: use cases and scopes in, the exact `scope` value, an authorize URL, a
// preview of the response and plain-French warnings out. The rules come from the page's
// JSON (the API's content file), the same data the Python model uses.
(function () {
  "use strict";

  function preview(data, ids) {
    var record = data.example || {};
    var chosen = data.scopes.filter(function (s) { return ids.indexOf(s.id) !== -1; });
    var out = {};
    chosen.forEach(function (scope) {
      if (scope.role === "mask" && scope.applies_to === "record") {
        scope.fields.forEach(function (name) { out[name] = name in record ? record[name] : null; });
      }
    });
    var populations = chosen.filter(function (s) { return s.role === "population"; });
    var decorations = chosen.filter(function (s) { return s.role === "mask" && s.applies_to === "entries"; });
    if (!populations.length && !decorations.length) return out;
    var kept = [];
    (record[data.entries] || []).forEach(function (entry) {
      var scope = populations.find(function (p) {
        return Object.keys(p.keeps).every(function (key) { return entry[key] === p.keeps[key]; });
      });
      if (!scope) return;
      var item = {};
      scope.fields.forEach(function (name) { item[scope.rename[name] || name] = name in entry ? entry[name] : null; });
      decorations.forEach(function (mask) {
        mask.fields.forEach(function (name) { item[name] = name in entry ? entry[name] : null; });
      });
      kept.push(item);
    });
    out[data.entries] = kept;
    return out;
  }

  function warnings(data, ids) {
    var chosen = data.scopes.filter(function (s) { return ids.indexOf(s.id) !== -1; });
    var notes = chosen.filter(function (s) { return s.warning; }).map(function (s) { return s.warning; });
    if (chosen.length) notes.push(data.messages.minimisation);
    var hasPopulations = data.scopes.some(function (s) { return s.role === "population"; });
    var decorates = chosen.some(function (s) { return s.role === "mask" && s.applies_to === "entries"; });
    var selects = chosen.some(function (s) { return s.role === "population"; });
    if (hasPopulations && decorates && !selects) notes.push(data.messages.no_population);
    return notes;
  }

  function scopeString(data, ids) {
    var chosen = data.scopes.filter(function (s) { return ids.indexOf(s.id) !== -1; }).map(function (s) { return s.id; });
    return data.base_scopes.concat(chosen).join(" ");
  }

  function authorizeUrl(data, ids) {
    var params = [["response_type", "code"], ["client_id", "VOTRE_CLIENT_ID"], ["redirect_uri", "VOTRE_REDIRECT_URI"],
      ["scope", scopeString(data, ids)], ["state", "VOTRE_STATE"], ["nonce", "VOTRE_NONCE"], ["acr_values", "eidas1"]];
    return data.authorize_endpoint + "?" + params.map(function (p) {
      return p[0] + "=" + encodeURIComponent(p[1]).replace(/[!'()*]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); });
    }).join("&");
  }

  function init() {
    var form = document.querySelector("[data-scope-chooser]");
    if (!form || form.dataset.ready) return;
    form.dataset.ready = "1";
    var data = JSON.parse(document.querySelector("[data-scopes-data]").textContent);
    var scopeBoxes = Array.prototype.slice.call(form.querySelectorAll("input[name=scope]"));
    var caseBoxes = Array.prototype.slice.call(form.querySelectorAll("input[data-use-case]"));
    var output = function (name) { return form.querySelector('[data-output="' + name + '"]'); };
    var useCase = function (id) { return data.use_cases.find(function (c) { return c.id === id; }); };

    function chosen() {
      return scopeBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    }

    function render(announce) {
      var ids = chosen();
      // A use case stays ticked while all of its scopes are; unticking one of them unticks it.
      caseBoxes.forEach(function (box) {
        if (!useCase(box.dataset.useCase).scopes.every(function (id) { return ids.indexOf(id) !== -1; })) box.checked = false;
      });
      output("scope").textContent = scopeString(data, ids);
      output("url").textContent = authorizeUrl(data, ids);
      if (output("preview")) output("preview").textContent = JSON.stringify(preview(data, ids), null, 2);
      var box = output("warnings");
      box.textContent = "";
      var notes = warnings(data, ids);
      if (notes.length) {
        var list = document.createElement("ul");
        notes.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      // Keep commas readable in the shared link: ?scopes=a,b
      var params = new URLSearchParams(location.search);
      params.delete("scopes");
      var search = params.toString();
      if (ids.length) search += (search ? "&" : "") + "scopes=" + ids.map(encodeURIComponent).join(",");
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
      if (announce) {
        output("status").textContent = ids.length + (ids.length > 1 ? " scopes choisis" : " scope choisi") +
          (notes.length ? ", " + notes.length + " avertissement" + (notes.length > 1 ? "s" : "") : "") + ".";
      }
    }

    caseBoxes.forEach(function (box) {
      box.addEventListener("change", function () {
        var mine = useCase(box.dataset.useCase).scopes;
        var keep = [];
        caseBoxes.forEach(function (other) {
          if (other !== box && other.checked) keep = keep.concat(useCase(other.dataset.useCase).scopes);
        });
        scopeBoxes.forEach(function (scope) {
          if (mine.indexOf(scope.value) === -1) return;
          if (box.checked) scope.checked = true;
          else if (keep.indexOf(scope.value) === -1) scope.checked = false;
        });
        render(true);
      });
    });
    scopeBoxes.forEach(function (box) { box.addEventListener("change", function () { render(true); }); });
    form.addEventListener("reset", function () {
      setTimeout(function () { render(false); output("status").textContent = "Choix effacé."; }, 0);
    });
    form.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var text = output(button.dataset.copy).textContent;
        var done = function () { output("status").textContent = "Copié dans le presse-papiers."; };
        if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, function () {});
        else {
          var area = document.createElement("textarea");
          area.value = text;
          document.body.appendChild(area);
          area.select();
          document.execCommand("copy");
          area.remove();
          done();
        }
      });
    });

    var wanted = (new URLSearchParams(location.search).get("scopes") || "").split(",").filter(Boolean);
    scopeBoxes.forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
    form.hidden = false;
    render(false);
  }

  if (window.document$) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
