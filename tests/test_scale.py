"""What an API's pages cost must not grow with the catalogue: counted here, timed only by `make bench-scale`."""

from collections.abc import ItemsView, KeysView, ValuesView

from generator import model, pages
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
        rendered = pages._pages_of_api(env, catalogue, None, slug)
        assert len(rendered) == 3
        assert WalkCounting.walks == 0, slug
