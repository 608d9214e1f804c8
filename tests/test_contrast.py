"""Real colours: every interactive element meets WCAG AA contrast at rest, hovered and focused.

The states are forced through the DevTools protocol (CSS.forcePseudoState), so no pointer,
font or window size decides which element is hovered. Transitions stay on, as readers see
them, and each measure waits until every running transition has finished.
"""

import pytest

from conftest import settle, viewport

pytestmark = pytest.mark.browser

PAGES = [
    "",
    "les-api/",
    "eligibilite/",
    "les-api/api-statut-etudiant/",
    "producteurs/mesri/",
    "les-api/api-statut-etudiant/demande-acces/#une-administration",
    "les-api/api-statut-etudiant/scopes/",
    "404.html",
]
INTERACTIVE = "a[href], button, summary, label, [role=button], input[type=checkbox], input[type=radio]"

# Contrast of an element's text against the first opaque background behind it (WCAG 2.x formula).
MEASURE = """el => {
  const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const blend = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
  let layers = [], node = el;
  while (node && node.nodeType === 1) {
    const bg = parse(getComputedStyle(node).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
    node = node.parentElement;
  }
  let back = [255, 255, 255];
  for (const layer of layers.reverse()) back = blend(layer, back);
  const style = getComputedStyle(el);
  let opacity = 1;
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) opacity *= parseFloat(getComputedStyle(n).opacity);
  if (opacity === 0) return {ratio: Infinity, needed: 0, text: ''};  // not shown in this state
  const color = parse(style.color);
  color[3] *= opacity;
  const fore = blend(color, back);
  const [hi, lo] = [lum(fore), lum(back)].sort((a, b) => b - a);
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
  const large = size >= 24 || (bold && size >= 18.66);
  return {ratio: (hi + 0.05) / (lo + 0.05), needed: large ? 3 : 4.5, color: style.color,
          text: (el.innerText || el.value || '').trim().slice(0, 40)};
}"""


def _measure(page, cdp, node_ids, state):
    """Force one state on every element at once (as a hovered child hovers its ancestors), then measure all."""
    for node_id in node_ids:
        cdp.send("CSS.forcePseudoState", {"nodeId": node_id, "forcedPseudoClasses": state})
    settle(page)
    results = page.eval_on_selector_all("[data-contrast]", f"els => els.map({MEASURE})")
    for node_id in node_ids:
        cdp.send("CSS.forcePseudoState", {"nodeId": node_id, "forcedPseudoClasses": []})
    return [(state, r) for r in results if r["text"] and r["ratio"] < r["needed"]]


@pytest.mark.parametrize("path", PAGES)
def test_interactive_colours_pass_aa_in_every_state(browser, server, path):
    context = browser.new_context(viewport=viewport())  # real motion: transitions run, and are waited for
    page = context.new_page()
    try:
        page.goto(server + path)
        page.wait_for_load_state("load")
        count = page.evaluate(f"""() => {{
            let n = 0;
            for (const el of document.querySelectorAll({INTERACTIVE!r})) {{
                const box = el.getBoundingClientRect();
                if (box.width && box.height && getComputedStyle(el).visibility !== 'hidden') el.dataset.contrast = n++;
            }}
            return n;
        }}""")
        assert count > 3
        cdp = context.new_cdp_session(page)
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-contrast]"})["nodeIds"]
        assert len(node_ids) == count
        failures = []
        for state in ([], ["hover"], ["focus", "focus-visible"]):
            failures += _measure(page, cdp, node_ids, state)
        assert not failures, failures
    finally:
        context.close()
