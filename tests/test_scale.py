"""What an API's pages cost must not grow with the catalogue: counted here, timed only by `make bench-scale`."""

from collections import Counter
from collections.abc import ItemsView, KeysView, ValuesView

from generator import components, model, pages
from generator.links import Links
from generator.problems import Problems

from conftest import CONTENT


class WalkCounting(dict):
    """The catalogue's APIs, counting every walk over all of them: its views walk through __iter__, so a copy of
    its keys into a set counts, a membership test does not."""

    walks = 0

    def __iter__(self):
        WalkCounting.walks += 1
        return super().__iter__()

    def keys(self):
        return KeysView(self)

    def values(self):
        return ValuesView(self)

    def items(self):
        return ItemsView(self)


def test_an_apis_pages_never_walk_the_whole_catalogue():
    """A copy of the catalogue's slugs for each page made a 10 000-API build quadratic: 2 ms a page, a minute."""
    catalogue = model.load(CONTENT, Problems())
    catalogue.apis = WalkCounting(catalogue.apis)
    env = pages.environment()
    for slug in list(dict.keys(catalogue.apis)):
        WalkCounting.walks = 0
        rendered = pages._pages_of_api(env, catalogue, slug)
        assert len(rendered) == 3
        assert WalkCounting.walks == 0, slug


def counting_conversions(monkeypatch) -> list[str]:
    converted = []
    convert = components._markdown
    monkeypatch.setattr(components, "_markdown", lambda text: converted.append(text) or convert(text))
    return converted


def test_a_text_shown_on_several_pages_is_converted_once(monkeypatch):
    """A notice appears on each of its API's three pages, a question tree's answers on every API that shows the
    tree: Markdown converts each text object once, and the pages come out as before."""
    catalogue = model.load(CONTENT, Problems())
    env = pages.environment()
    converted = counting_conversions(monkeypatch)
    first = [(page.html, page.toc) for page in pages._pages_of_api(env, catalogue, "api-statut-etudiant")]
    counts = Counter(converted)
    assert max(counts.values()) == 1, counts.most_common(1)
    notices = [notice.text.text for notice in catalogue.apis["api-statut-etudiant"].notices]
    assert notices and all(counts[text] == 1 for text in notices)

    converted.clear()
    again = [(page.html, page.toc) for page in pages._pages_of_api(env, catalogue, "api-statut-etudiant")]
    assert again == first
    assert not set(notices) & set(converted)  # still kept: the API's body and answers came between, not 64 texts


def test_a_kept_text_gets_each_pages_links_and_its_own_toc(monkeypatch):
    markup = components.Markup("## Voir\n\n[la fiche](/les-api/x)")
    converted = counting_conversions(monkeypatch)
    near, far = Links("", {"x"}), Links("../../", {"x"})
    html_near, toc = components.render(markup, near, str)
    toc[0]["name"] = "changé par une page"
    html_far, toc_far = components.render(markup, far, str)
    assert len(converted) == 1
    assert 'href="les-api/x/"' in html_near and 'href="../../les-api/x/"' in html_far
    assert components.render(markup, near, str)[0] == html_near  # each page's sanitiser, kept or not
    assert toc_far[0]["name"] == "Voir"


def test_equal_texts_from_two_files_are_each_converted(monkeypatch):
    """Kept by identity: copies of one file (as `make bench-scale` makes) cost what different files cost."""
    converted = counting_conversions(monkeypatch)
    one, two = components.Markup("Un *texte*"), components.Markup("Un *texte*")
    assert components.render(one, Links(), str) == components.render(two, Links(), str)
    components.render(one, Links(), str)
    assert converted == ["Un *texte*", "Un *texte*"]
