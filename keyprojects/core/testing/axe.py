"""axe-core in the real browser: the accessibility rules run on a page as a screen reader's user
would meet it. axe is served from our own files (keyprojects/static/vendor/axe-core, copied by
`make assets` from the npm package; node_modules as a fallback), never from a CDN.

    found = axe_violations(page)            # [(rule id, impact, help, first targets), …]
    assert serious(found) == []              # no critical or serious violation
"""

from pathlib import Path

from django.conf import settings

PLACES = [
    Path(settings.BASE_DIR) / "keyprojects" / "static" / "vendor" / "axe-core" / "axe.min.js",
    Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js",
]
BLOCKING = ("critical", "serious")


def axe_source() -> Path:
    for place in PLACES:
        if place.exists():
            return place
    raise FileNotFoundError("axe-core is missing: run `make assets` (npm package axe-core)")


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")):
    """The page's violations of the WCAG 2.1 A/AA rules and axe's best practices."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        source = axe_source()
        if source == PLACES[0]:  # from the site's own static files: the page's CSP allows no inline script
            from urllib.parse import urljoin

            page.add_script_tag(
                url=urljoin(page.url, "/" + settings.STATIC_URL.lstrip("/") + "vendor/axe-core/axe.min.js")
            )
        else:
            page.add_script_tag(path=str(source))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(tags),
    )
    return [
        (v["id"], v["impact"], v["help"], [", ".join(n["target"]) for n in v["nodes"][:3]])
        for v in result["violations"]
    ]


def serious(violations):
    """The violations that block a release: critical and serious ones."""
    return [v for v in violations if v[1] in BLOCKING]
