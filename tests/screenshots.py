"""`make screenshots`: PNGs of every page type at 390 px and 1 280 px, with and without JavaScript.

They land in `screenshots/` (ignored by git), so a layout change can be seen before it lands.
Usage: python tests/screenshots.py [--content DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import CHROMIUM, CONTENT, ROOT, build, serve

PAGES = {
    "accueil": "",
    "catalogue": "les-api/",
    "eligibilite": "eligibilite/",
    "api": "les-api/api-statut-etudiant/",
    "demande-acces": "les-api/api-statut-etudiant/demande-acces/",
    "scopes": "les-api/api-statut-etudiant/scopes/",
    "producteur": "producteurs/mesri/",
    "scopes-boursier": "les-api/api-statut-etudiant-boursier/scopes/",
    "404": "404.html",
}
WIDTHS = (390, 1280)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=CONTENT)
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    args.out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        if build(args.content, site, strict=True) != 0:
            return 1
        server = serve(site)
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
            for width in WIDTHS:
                for javascript in (True, False):
                    context = browser.new_context(
                        viewport={"width": width, "height": 900},
                        java_script_enabled=javascript,
                        reduced_motion="reduce",
                    )
                    page = context.new_page()
                    for name, path in PAGES.items():
                        page.goto(base + path, wait_until="load")
                        target = args.out / f"{name}-{width}-{'js' if javascript else 'nojs'}.png"
                        page.screenshot(path=str(target), full_page=True)
                        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                    context.close()
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
