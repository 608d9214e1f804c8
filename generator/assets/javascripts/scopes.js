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

  // A pasted response deeper than this is not an API's answer; deeper still, printing it would overflow the stack.
  var MAX_DEPTH = 200;
  function depth(value) {
    var deepest = 0, stack = [[value, 1]];
    while (stack.length) {
      var top = stack.pop(), item = top[0], level = top[1];
      if (item === null || typeof item !== "object") continue;
      if (level > deepest) deepest = level;
      if (deepest > MAX_DEPTH) return deepest;
      Object.keys(item).forEach(function (key) { stack.push([item[key], level + 1]); });
    }
    return deepest;
  }

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

  // Every chosen scope that needs another: said for as long as the choice holds it.
  function required(version, ids) {
    var out = [];
    byId(version, resolve(version, ids)).forEach(function (s) {
      s.requires.forEach(function (r) { out.push([s.id, r]); });
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
    return version.messages[key].replace(/\{(\w+)\}/g, function (whole, name) {
      var value = own(values, name);
      return value === null ? whole : String(value);
    });
  }

  function answer(version, ids, record) {
    var chosen = byId(version, resolve(version, ids));
    var fb = version.forbidden_answer;
    if (fb && !chosen.some(function (s) { return !s.withheld; })) return {status: fb.status, body: fb.body, note: fb.note};
    var data = preview(version, ids, record);
    var note = "";
    var entries = own(data, version.entries);
    if (version.has_populations && !(entries && entries.length)) {
      if (version.empty_answer) return {status: version.empty_answer.status, body: version.empty_answer.body, note: version.empty_answer.note};
      if (chosen.length) {
        var selects = chosen.some(function (s) { return s.role === "population"; });
        note = message(version, selects ? "no_entries" : "no_population", {});
      }
    }
    var body = data;
    if (version.envelope) { body = {}; body[version.envelope] = data; body.links = {}; body.meta = {}; }
    return {status: 200, body: body, note: note};
  }

  function entriesOf(version, body) {
    var data = version.envelope ? own(body, version.envelope) : body;
    var entries = own(data, version.entries);
    return Array.isArray(entries) ? entries : [];
  }

  // A use case's filter, as in Python: a field the response lacks fails its condition.
  function path(entry, dotted) {
    return dotted.split(".").reduce(function (value, part) { return own(value, part); }, entry);
  }
  function holds(condition, entry, today) {
    if (condition.dates) {
      var start = path(entry, condition.dates[0]), end = path(entry, condition.dates[1]);
      return typeof start === "string" && typeof end === "string" && start <= today && today <= end;
    }
    var value = path(entry, condition.field || "");
    if ("equals" in condition) return equal(value, condition.equals);
    if ("in" in condition) return condition.in.some(function (accepted) { return equal(value, accepted); });
    if (condition.present) return value !== null && value !== undefined;
    return true;
  }
  function check(useCase, entries, today) {
    return entries.map(function (entry) {
      return entry !== null && typeof entry === "object" && !Array.isArray(entry) &&
        useCase.rule.every(function (c) { return holds(c, entry, today); });
    });
  }

  // What a pasted text is: an error body, a response of this version, of another one, or nothing we can read.
  function errorStatus(version, value) {
    var errors = own(value, "errors");
    var code;
    if (Array.isArray(errors) && errors.length) code = own(errors[0], "code");
    else if (typeof own(value, "error") === "string") code = value.error;
    else return null;
    var found = version.errors.filter(function (e) { return e.code === code; }).map(function (e) { return e.status; });
    var empty = version.empty_answer;
    if (!found.length && empty && own(empty.body, "error") === code) found = [empty.status];
    return found.length ? found[0] : 0;
  }
  // A pasted response, whole or only its data, as this version's record; null when it has another shape.
  function recordOf(version, value) {
    var candidates = [version.envelope ? own(value, version.envelope) : null, value];
    return candidates.find(function (c) {
      return c !== null && typeof c === "object" && !Array.isArray(c) && Object.prototype.hasOwnProperty.call(c, version.entries);
    }) || null;
  }

  function warnings(version, ids) {
    var given = ids.map(function (id) { return canonical(version, id); });
    var chosen = byId(version, resolve(version, ids));
    var notes = required(version, ids).map(function (pair) { return message(version, "requires", {scope: pair[0], required: pair[1]}); });
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

  // Where a choice made in a retired version leads in the current one (as ScopeSet.forward in Python).
  function forward(data, version, ids) {
    var current = data.versions.find(function (v) { return v.id === data.default_version; });
    var chosen = resolve(version, ids);
    var oldCase = chosen.length ? version.use_cases.find(function (c) { return equal(resolve(version, c.scopes), chosen); }) : null;
    var useCase = oldCase ? current.use_cases.find(function (c) { return c.replaces === oldCase.id; }) : null;
    var wanted = useCase ? useCase.scopes : [];
    if (!useCase) byId(version, chosen).forEach(function (s) { wanted = wanted.concat(s.replaced_by); });
    return {scopes: resolve(current, wanted), use_case: useCase ? useCase.id : ""};
  }

  // A link's ids: `scopes=a,b`, `scopes=a b` (or a+b), and repeated `scopes=` all count.
  function linkIds(query) {
    var out = [];
    query.getAll("scopes").forEach(function (value) {
      value.split(/[\s,]+/).forEach(function (id) { if (id && out.indexOf(id) === -1) out.push(id); });
    });
    return out.slice(0, 200); // a link names a handful; a huge list must not stall the page
  }

  function isoToday() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function init(form) {
    var data = JSON.parse(document.querySelector("[data-scopes-data]").textContent);
    var output = function (name) { return form.querySelector('[data-output="' + name + '"]'); };
    var input = form.querySelector('[data-input="record"]');
    var versionOf = function (id) { return data.versions.find(function (v) { return v.id === id; }); };
    var current = versionOf(data.default_version);
    var version = current;
    var pasted = null;
    var linkNotes = [];  // what the opening link asked for that this page cannot tick: stays until the next link

    function panel() { return form.querySelector('[data-version="' + version.id + '"]'); }
    function scopeBoxes() { return Array.prototype.slice.call(panel().querySelectorAll("input[name=scope]")); }
    function caseBoxes() { return Array.prototype.slice.call(panel().querySelectorAll("input[data-use-case]")); }
    function useCase(id) { return version.use_cases.find(function (c) { return c.id === id; }); }
    function chosen() { return scopeBoxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; }); }
    function tickedCases() { return caseBoxes().filter(function (b) { return b.checked; }).map(function (b) { return b.dataset.useCase; }); }

    function show(id) {
      version = versionOf(id) || version;
      form.querySelectorAll("[data-version]").forEach(function (p) {
        var mine = p.dataset.version === version.id;
        p.hidden = !mine;
        if (!mine) p.querySelectorAll("input").forEach(function (b) { b.checked = false; });
      });
      form.querySelectorAll("[data-version-call]").forEach(function (p) { p.hidden = p.dataset.versionCall !== version.id; });
      var radio = form.querySelector('input[name=version][value="' + version.id + '"]');
      if (radio) radio.checked = true;
      // A response pasted for another version is read again against this one.
      if (input && input.value.trim()) readPasted();
    }

    function tick(ids) {
      var wanted = resolve(version, ids);
      scopeBoxes().forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
    }

    function tickCases(ids) {
      caseBoxes().forEach(function (box) { box.checked = ids.indexOf(box.dataset.useCase) !== -1; });
      var wanted = [];
      ids.forEach(function (id) { var c = useCase(id); if (c) wanted = wanted.concat(c.scopes); });
      tick(wanted);
    }

    function listNotes(box, notes) {
      box.textContent = "";
      box.hidden = !notes.length;
      if (!notes.length) return;
      var list = element("ul");
      notes.forEach(function (note) {
        var item = element("li", note.text);
        if (note.action) {
          var button = element("button", note.action.label, "md-button chooser-inline-action");
          button.type = "button";
          button.addEventListener("click", note.action.run);
          item.appendChild(document.createTextNode(" "));
          item.appendChild(button);
        }
        list.appendChild(item);
      });
      box.appendChild(list);
    }

    function renderFilter(ids, result) {
      var box = output("filter");
      if (!box) return;
      box.textContent = "";
      var today = isoToday();
      var cases = tickedCases().map(useCase).filter(function (c) { return c && c.rule.length; });
      box.hidden = !cases.length;
      cases.forEach(function (c) {
        box.appendChild(element("p", "Filtre du cas « " + c.title + " », appliqué à la réponse ci-dessus le " + today + " :", "chooser-filter__title"));
        var list = element("ul");
        c.rule.forEach(function (condition) { list.appendChild(element("li", condition.label || condition.field || "")); });
        box.appendChild(list);
        var entries = result.status === 200 ? entriesOf(version, result.body) : [];
        var kept = check(c, entries, today);
        var count = kept.filter(Boolean).length;
        var verdict = element("p", (result.status !== 200 ? "Pas de données à filtrer (HTTP " + result.status + "). " : "") +
          count + " entrée" + (count > 1 ? "s" : "") + " sur " + entries.length + " passe" + (count > 1 ? "nt" : "") +
          (entries.length ? " (n° " + kept.map(function (k, i) { return k ? i + 1 : 0; }).filter(Boolean).join(", ") + ")" : "") +
          " : " + (count ? "l'usager passe le contrôle." : "l'usager ne passerait pas le contrôle."), "chooser-filter__result");
        verdict.dataset.passes = count ? "true" : "false";
        verdict.dataset.useCase = c.id;
        box.appendChild(verdict);
      });
    }

    function renderForward(ids) {
      var box = output("forward");
      if (!box) return;
      if (version.id === current.id || !ids.length) { box.hidden = true; return; }
      var next = forward(data, version, ids);
      var target = next.use_case ? current.use_cases.find(function (c) { return c.id === next.use_case; }) : null;
      output("forward-text").textContent = "Version " + version.label + " (" + version.status_label + ") : ce choix est remplacé en " + current.label +
        " par " + (next.scopes.length ? next.scopes.join(", ") : "aucun scope") + (target ? " (cas d'usage « " + target.title + " »)" : "") + ".";
      box.hidden = false;
      box.querySelector("[data-forward]").onclick = function () {
        show(current.id);
        if (next.use_case) tickCases([next.use_case]); else tick(next.scopes);
        render(true);
      };
    }

    function share(ids) {
      var params = new URLSearchParams(location.search);
      ["scopes", "version", "cas"].forEach(function (key) { params.delete(key); });
      var search = params.toString();
      if (version.id !== data.default_version) search += (search ? "&" : "") + "version=" + encodeURIComponent(version.id);
      var cases = tickedCases();
      if (cases.length) search += (search ? "&" : "") + "cas=" + cases.map(encodeURIComponent).join(",");
      if (ids.length) search += (search ? "&" : "") + "scopes=" + ids.map(encodeURIComponent).join(",");
      history.replaceState(history.state, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }

    // `given`: what a link asked for, before required scopes were ticked.
    function render(announce, given) {
      var ids = given || chosen();
      tick(ids);  // required base scopes are ticked too
      ids = chosen();
      var notes = warnings(version, ids);
      caseBoxes().forEach(function (box) {
        var wanted = resolve(version, useCase(box.dataset.useCase).scopes);
        if (!wanted.every(function (id) { return ids.indexOf(id) !== -1; })) box.checked = false;
      });
      share(ids);  // first: whatever follows, the address shares the choice the page shows
      output("scope").textContent = scopeString(version, ids);
      output("url").textContent = authorizeUrl(version, ids);
      output("endpoint").textContent = version.endpoint || "Voir la documentation technique de l'API.";
      var result = null;
      if (output("preview")) {
        result = pasted && pasted.error !== undefined ? {status: pasted.error, body: pasted.value, note: pasted.note}
          : answer(version, ids, pasted ? pasted.record : version.example);
        output("preview").textContent = JSON.stringify(result.body, null, 2);
        output("answer-note").textContent = "HTTP " + (result.status || "?") + ". " +
          (result.note || (pasted ? "Votre réponse, avec les scopes cochés." : "Pour un usager fictif, avec les scopes cochés."));
        renderFilter(ids, result);
      }
      listNotes(output("warnings"), notes.map(function (text) { return {text: text}; }));
      renderForward(ids);
      if (announce) {
        output("status").textContent = ids.length + (ids.length > 1 ? " scopes choisis" : " scope choisi") +
          (notes.length ? ", " + notes.length + " avertissement" + (notes.length > 1 ? "s" : "") : "") + ".";
      }
    }

    function readPasted() {
      var error = output("record-error");
      var switcher = output("switch");
      switcher.hidden = true;
      if (!input.value.trim()) { pasted = null; error.textContent = ""; input.removeAttribute("aria-invalid"); return; }
      var value, tooDeep = false;
      try {
        value = JSON.parse(input.value);
        tooDeep = depth(value) > MAX_DEPTH;
      } catch (e) {
        value = undefined;
        tooDeep = e instanceof RangeError;  // the engine's own nesting limit: valid JSON all the same
      }
      if (tooDeep) {
        input.setAttribute("aria-invalid", "true");
        error.textContent = "Ce JSON est valide mais imbriqué sur plus de " + MAX_DEPTH + " niveaux : l'aperçu ne le lit pas et n'a pas changé.";
        return;
      }
      var object = value !== null && typeof value === "object" && !Array.isArray(value);
      var status = object ? errorStatus(version, value) : null;
      if (status !== null) {
        pasted = {error: status, value: value, note: "Votre réponse est une erreur : l'API répond ainsi quels que soient les scopes."};
        error.textContent = "";
        input.removeAttribute("aria-invalid");
        return;
      }
      var record = object ? recordOf(version, value) : null;
      if (record) {
        pasted = {record: record};
        error.textContent = "";
        input.removeAttribute("aria-invalid");
        return;
      }
      // Valid JSON that is not this version's: say what it looks like, and change nothing.
      var other = object ? data.versions.find(function (v) { return v.id !== version.id && recordOf(v, value); }) : null;
      input.setAttribute("aria-invalid", "true");
      if (value === undefined) {
        error.textContent = "Ce texte n'est pas du JSON valide : l'aperçu n'a pas changé.";
      } else if (other) {
        error.textContent = "Cette réponse a la forme de la version " + other.label + " (clé « " + other.entries + " »), pas de la version " +
          version.label + " : l'aperçu n'a pas changé.";
        var button = switcher.querySelector("[data-switch]");
        button.textContent = "Passer à la version " + other.label;
        button.onclick = function () { show(other.id); render(true); };
        switcher.hidden = false;
      } else {
        error.textContent = "Cette réponse n'a pas la forme attendue pour la version " + version.label + " (une liste « " +
          version.entries + " »" + (version.envelope ? " dans « " + version.envelope + " »" : "") + ") : l'aperçu n'a pas changé.";
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
        if (input) readPasted();
        linkNotes = [];
        listNotes(output("unknown"), []);
        render(false);
        output("status").textContent = "Choix effacé.";
      }, 0);
    });
    if (input) {
      input.addEventListener("input", function (event) {
        readPasted();  // a text it cannot use leaves the previous answer as it was
        render(false);
        // After a paste, bring the answer (or what is wrong with the text) into view: on a phone it lies below.
        if (event.inputType === "insertFromPaste") {
          (input.getAttribute("aria-invalid") === "true" ? output("record-error") : output("preview")).scrollIntoView({block: "nearest"});
        }
      });
      form.querySelector("[data-record-reset]").addEventListener("click", function () {
        input.value = "";
        readPasted();
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

    // The opening link: ?version=<id>, ?cas=<use case>, ?scopes=a,b. A link whose ids all belong to one version
    // opens it; identity scopes are always sent; ids of another version are named with a way there.
    var query = new URLSearchParams(location.search);
    var wanted = linkIds(query);
    var askedId = query.get("version");
    var asked = askedId ? versionOf(askedId) : null;
    if (askedId && !asked) {
      linkNotes.push({text: "La version « " + askedId + " » n'existe pas : voici la version en service, " + current.label + "."});
    }
    var identity = {};
    data.versions.forEach(function (v) {
      v.base_scopes.forEach(function (id) { identity[id] = true; });
      if (v.identity_alias) identity[v.identity_alias] = true;
    });
    var identityAsked = wanted.filter(function (id) { return identity[id]; });
    wanted = wanted.filter(function (id) { return !identity[id]; });
    if (!asked && wanted.length) {
      asked = data.versions.find(function (v) {
        return wanted.every(function (id) { return canonical(v, id); });
      });
    }
    show((asked || version).id);
    if (identityAsked.length) {
      linkNotes.push({text: "Scopes d'identité du lien (" + identityAsked.join(", ") + ") : ils sont toujours envoyés, avec openid."});
    }
    var elsewhere = {};
    wanted.filter(function (id) { return !canonical(version, id); }).forEach(function (id) {
      var owner = data.versions.find(function (v) { return v.id !== version.id && canonical(v, id); });
      if (owner) (elsewhere[owner.id] = elsewhere[owner.id] || []).push(id);
      else linkNotes.push({text: "« " + id + " » n'est un scope d'aucune version : il a été ignoré."});
    });
    Object.keys(elsewhere).forEach(function (id) {
      var owner = versionOf(id);
      var ids = elsewhere[id];
      linkNotes.push({
        text: ids.join(", ") + (ids.length > 1 ? " sont des scopes" : " est un scope") + " de la version " + owner.label +
          " (" + owner.status_label + "), pas de la version " + version.label + ".",
        action: {label: "Ouvrir la version " + owner.label, run: function () {
          show(owner.id); tick(ids); linkNotes = []; listNotes(output("unknown"), []); render(true);
        }}
      });
    });
    listNotes(output("unknown"), linkNotes);
    var cases = (query.get("cas") || "").split(",").filter(function (id) { return useCase(id); });
    if (cases.length) {
      tickCases(cases);
      tick(chosen().concat(wanted.filter(function (id) { return canonical(version, id); })));
    } else {
      tick(wanted);
      var ids = chosen();
      caseBoxes().forEach(function (box) {
        var scopes = resolve(version, useCase(box.dataset.useCase).scopes);
        box.checked = ids.length > 0 && equal(scopes, ids);
      });
      // Two use cases with the same scopes: the link does not say which one, so neither is claimed.
      if (tickedCases().length > 1) caseBoxes().forEach(function (box) { box.checked = false; });
    }
    form.hidden = false;
    render(false);
  }

  // The rules alone (pure functions of the page's data): a test compares them with Python's for every choice in
  // one page load, and the widget above only wires them to the form.
  window.apiCatalogueScopeRules = Object.freeze({
    resolve: resolve, scopeString: scopeString, authorizeUrl: authorizeUrl, answer: answer, warnings: warnings,
    check: check, forward: forward, recordOf: recordOf, errorStatus: errorStatus
  });

  window.apiCatalogueWidget("scopes", init);
})();
