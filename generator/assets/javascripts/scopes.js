// Scope chooser: a version, use cases and scopes in; the exact `scope` value, an authorize URL,
// the call to make, what the API answers and plain-French warnings out. The rules and every
// sentence come from the page's JSON (the API's content file), the same data the Python model uses.
(function () {
  "use strict";

  // Only a key the object holds itself: a field named `toString` must read as absent, as in Python.
  function own(object, key) {
    return object !== null && typeof object === "object" && !Array.isArray(object) &&
      Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null;
  }
  function renamed(scope, name) {
    var to = own(scope.rename, name);
    return typeof to === "string" ? to : name;
  }
  function equal(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function canonical(version, id) {
    var found = version.scopes.find(function (s) {
      return s.id === id || s.aliases.some(function (a) { return a.id === id; });
    });
    return found ? found.id : null;
  }

  function resolve(version, ids) {
    var chosen = {};
    var pending = ids.map(function (id) { return canonical(version, id); }).filter(Boolean);
    pending.forEach(function (id) { chosen[id] = true; });
    while (pending.length) {
      var scope = version.scopes.find(function (s) { return s.id === pending[0]; });
      pending.shift();
      scope.requires.forEach(function (r) { if (!chosen[r]) { chosen[r] = true; pending.push(r); } });
    }
    return version.scopes.filter(function (s) { return chosen[s.id]; }).map(function (s) { return s.id; });
  }

  function added(version, ids) {
    var given = ids.map(function (id) { return canonical(version, id); });
    var out = [];
    version.scopes.forEach(function (s) {
      if (given.indexOf(s.id) === -1) return;
      s.requires.forEach(function (r) { if (given.indexOf(r) === -1) out.push([s.id, r]); });
    });
    return out;
  }

  function byId(version, ids) {
    return version.scopes.filter(function (s) { return ids.indexOf(s.id) !== -1; });
  }

  function preview(version, ids, record) {
    var chosen = byId(version, resolve(version, ids)).filter(function (s) { return !s.withheld; });
    var out = {};
    chosen.forEach(function (scope) {
      if (scope.role === "mask" && scope.applies_to === "record") {
        scope.fields.forEach(function (name) { out[renamed(scope, name)] = own(record, name); });
      }
    });
    var populations = chosen.filter(function (s) { return s.role === "population"; });
    var decorations = chosen.filter(function (s) { return s.role === "mask" && s.applies_to === "entries"; });
    if (!populations.length && !decorations.length) return out;
    var kept = [];
    var entries = own(record, version.entries);
    (Array.isArray(entries) ? entries : []).forEach(function (entry) {
      if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return;
      var scope = populations.find(function (p) {
        return Object.keys(p.keeps).every(function (key) { return equal(own(entry, key), p.keeps[key]); });
      });
      if (!scope) return;
      var item = {};
      scope.fields.forEach(function (name) { item[renamed(scope, name)] = own(entry, name); });
      decorations.forEach(function (mask) {
        mask.fields.forEach(function (name) { item[renamed(mask, name)] = own(entry, name); });
      });
      kept.push(item);
    });
    if (populations.length) out[version.entries] = kept;
    return out;
  }

  function message(version, key, values) {
    return version.messages[key].replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function answer(version, ids, record) {
    var data = preview(version, ids, record);
    var chosen = byId(version, resolve(version, ids));
    var note = "";
    var entries = own(data, version.entries);
    if (chosen.length && version.has_populations && !(entries && entries.length)) {
      if (version.empty_answer) return {status: version.empty_answer.status, body: version.empty_answer.body, note: version.empty_answer.note};
      var selects = chosen.some(function (s) { return s.role === "population"; });
      note = message(version, selects ? "no_entries" : "no_population", {});
    }
    var body = data;
    if (version.envelope) { body = {}; body[version.envelope] = data; body.links = {}; body.meta = {}; }
    return {status: 200, body: body, note: note};
  }

  function warnings(version, ids) {
    var given = ids.map(function (id) { return canonical(version, id); });
    var chosen = byId(version, resolve(version, ids));
    var notes = added(version, ids).map(function (pair) { return message(version, "requires", {scope: pair[0], required: pair[1]}); });
    chosen.forEach(function (s) { if (s.withheld) notes.push(s.warning || message(version, "withheld", {scope: s.id})); });
    chosen.forEach(function (s) { if (s.warning && !s.withheld) notes.push(s.warning); });
    chosen.forEach(function (s) { if (s.conflict && given.indexOf(s.id) !== -1) notes.push(s.conflict); });
    if (chosen.length) notes.push(message(version, "minimisation", {}));
    if (version.has_populations && chosen.length && !chosen.some(function (s) { return s.role === "population"; })) {
      notes.push(message(version, "no_population", {}));
    }
    return notes;
  }

  function scopeString(version, ids) {
    return version.base_scopes.concat(resolve(version, ids)).join(" ");
  }

  function authorizeUrl(version, ids) {
    var params = [["response_type", "code"], ["client_id", "VOTRE_CLIENT_ID"], ["redirect_uri", "VOTRE_REDIRECT_URI"],
      ["scope", scopeString(version, ids)], ["state", "VOTRE_STATE"], ["nonce", "VOTRE_NONCE"], ["acr_values", "eidas1"]];
    return version.authorize_endpoint + "?" + params.map(function (p) {
      return p[0] + "=" + encodeURIComponent(p[1]).replace(/[!'()*]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); });
    }).join("&");
  }

  // A pasted response: the whole answer (in its envelope) or only its data.
  function recordOf(version, text) {
    var value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
    var inner = version.envelope ? own(value, version.envelope) : null;
    return inner && typeof inner === "object" && !Array.isArray(inner) ? inner : value;
  }

  function init() {
    var form = document.querySelector("[data-scope-chooser]");
    if (!form || form.dataset.ready) return;
    var data = JSON.parse(document.querySelector("[data-scopes-data]").textContent);
    var output = function (name) { return form.querySelector('[data-output="' + name + '"]'); };
    var input = form.querySelector('[data-input="record"]');
    var versionOf = function (id) { return data.versions.find(function (v) { return v.id === id; }); };
    var version = versionOf(data.default_version);
    var pasted = null;

    function panel() { return form.querySelector('[data-version="' + version.id + '"]'); }
    function scopeBoxes() { return Array.prototype.slice.call(panel().querySelectorAll("input[name=scope]")); }
    function caseBoxes() { return Array.prototype.slice.call(panel().querySelectorAll("input[data-use-case]")); }
    function useCase(id) { return version.use_cases.find(function (c) { return c.id === id; }); }
    function chosen() { return scopeBoxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; }); }

    function show(id) {
      version = versionOf(id) || version;
      form.querySelectorAll("[data-version]").forEach(function (p) {
        var mine = p.dataset.version === version.id;
        p.hidden = !mine;
        if (!mine) p.querySelectorAll("input").forEach(function (b) { b.checked = false; });
      });
      var radio = form.querySelector('input[name=version][value="' + version.id + '"]');
      if (radio) radio.checked = true;
    }

    function tick(ids) {
      var wanted = resolve(version, ids);
      scopeBoxes().forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
    }

    // `given`: what a link asked for, before required scopes were ticked, so the page says what it added.
    function render(announce, given) {
      var ids = given || chosen();
      var notes = warnings(version, ids);
      tick(ids);  // required base scopes are ticked too
      ids = chosen();
      caseBoxes().forEach(function (box) {
        var wanted = resolve(version, useCase(box.dataset.useCase).scopes);
        if (!wanted.every(function (id) { return ids.indexOf(id) !== -1; })) box.checked = false;
      });
      output("scope").textContent = scopeString(version, ids);
      output("url").textContent = authorizeUrl(version, ids);
      output("endpoint").textContent = version.endpoint || "Voir la documentation technique de l'API.";
      if (output("preview")) {
        var result = answer(version, ids, pasted || version.example);
        output("preview").textContent = JSON.stringify(result.body, null, 2);
        output("answer-note").textContent = (result.status !== 200 ? "Réponse HTTP " + result.status + ". " : "") +
          (result.note || (pasted ? "Votre réponse, avec les scopes cochés." : "Pour un usager fictif, avec les scopes cochés."));
      }
      var box = output("warnings");
      box.textContent = "";
      if (notes.length) {
        var list = document.createElement("ul");
        notes.forEach(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      // Keep commas readable in the shared link: ?version=v3&scopes=a,b
      var params = new URLSearchParams(location.search);
      params.delete("scopes");
      params.delete("version");
      var search = params.toString();
      if (version.id !== data.default_version) search += (search ? "&" : "") + "version=" + encodeURIComponent(version.id);
      if (ids.length) search += (search ? "&" : "") + "scopes=" + ids.map(encodeURIComponent).join(",");
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
      if (announce) {
        output("status").textContent = ids.length + (ids.length > 1 ? " scopes choisis" : " scope choisi") +
          (notes.length ? ", " + notes.length + " avertissement" + (notes.length > 1 ? "s" : "") : "") + ".";
      }
    }

    form.querySelectorAll("input[data-use-case]").forEach(function (box) {
      box.addEventListener("change", function () {
        var mine = resolve(version, useCase(box.dataset.useCase).scopes);
        var keep = [];
        caseBoxes().forEach(function (other) {
          if (other !== box && other.checked) keep = keep.concat(resolve(version, useCase(other.dataset.useCase).scopes));
        });
        scopeBoxes().forEach(function (scope) {
          if (mine.indexOf(scope.value) === -1) return;
          if (box.checked) scope.checked = true;
          else if (keep.indexOf(scope.value) === -1) scope.checked = false;
        });
        render(true);
      });
    });
    form.querySelectorAll("input[name=scope]").forEach(function (box) {
      box.addEventListener("change", function () {
        // Unticking a base scope unticks what needs it: a sub-scope never stands alone.
        if (!box.checked) {
          scopeBoxes().forEach(function (other) {
            if ((other.dataset.requires || "").split(" ").indexOf(box.value) !== -1) other.checked = false;
          });
        }
        render(true);
      });
    });
    form.querySelectorAll("input[name=version]").forEach(function (radio) {
      radio.addEventListener("change", function () { show(radio.value); render(true); });
    });
    form.addEventListener("reset", function () {
      setTimeout(function () {
        show(version.id);
        if (input) input.value = "";
        pasted = null;
        output("unknown").hidden = true;
        render(false);
        output("status").textContent = "Choix effacé.";
      }, 0);
    });
    if (input) {
      input.addEventListener("input", function () {
        var error = output("record-error");
        if (!input.value.trim()) { pasted = null; error.textContent = ""; input.removeAttribute("aria-invalid"); render(false); return; }
        try {
          pasted = recordOf(version, input.value);
          error.textContent = "";
          input.removeAttribute("aria-invalid");
          render(false);
        } catch (e) {
          // Invalid JSON changes nothing else: the previous preview stays.
          error.textContent = "Ce texte n'est pas une réponse JSON valide (un objet { … } est attendu) : l'aperçu n'a pas changé.";
          input.setAttribute("aria-invalid", "true");
        }
      });
      form.querySelector("[data-record-reset]").addEventListener("click", function () {
        input.value = "";
        pasted = null;
        output("record-error").textContent = "";
        input.removeAttribute("aria-invalid");
        render(true);
      });
    }
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

    // ?version=<id> opens that version; ?scopes=a,b ticks those ids, and a link whose ids all
    // belong to one version opens it, so links shared before versions existed keep working.
    var query = new URLSearchParams(location.search);
    var wanted = (query.get("scopes") || "").split(",").filter(Boolean);
    var asked = versionOf(query.get("version") || "");
    if (!asked && wanted.length) {
      asked = data.versions.find(function (v) {
        return wanted.every(function (id) { return canonical(v, id); });
      });
    }
    show((asked || version).id);
    var unknown = wanted.filter(function (id) { return !canonical(version, id); });
    if (unknown.length) {
      output("unknown").textContent = "Scope(s) inconnu(s) dans le lien pour la version " + version.label + " : " +
        unknown.join(", ") + ". Ils ont été ignorés.";
      output("unknown").hidden = false;
    }
    tick(wanted);
    var ids = chosen();
    caseBoxes().forEach(function (box) {
      var scopes = resolve(version, useCase(box.dataset.useCase).scopes);
      box.checked = scopes.length === ids.length && scopes.every(function (id) { return ids.indexOf(id) !== -1; });
    });
    form.dataset.ready = "1";
    form.hidden = false;
    render(false, wanted.filter(function (id) { return canonical(version, id); }));
  }

  if (window.document$) window.document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
