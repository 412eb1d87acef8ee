"""Reading pages the way a person does: the text they see (and what a screen reader announces),
and the checks every page must pass whatever app it belongs to.

    text = visible_text(response.content.decode())
    assert raw_numbers(text) == []          # no "891057.65", "14424.5100000000", "2026-12-04T20:23"
    assert han_outside(text, data) == []    # an English page shows Chinese only in data values

`menu_urls(client)` lists the pages a signed-in user's menu offers, so a new app's pages are
read by these checks as soon as it registers its menu entries.
"""

import re
from html.parser import HTMLParser

# What a page must never show: an amount without thousands separators ("891057.65"), a Decimal's
# trailing zeros ("14424.5100000000"), a machine time ("2026-12-04T20:23:31"), a repr.
RAW_NUMBER = [
    ("no thousands separators", re.compile(r"(?<![\d,.])\d{4,}\.\d+")),
    ("trailing zeros", re.compile(r"(?<![\d])\d+\.\d{2,}0(?!\d)")),
    ("machine time", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")),
    ("a repr", re.compile(r"Decimal\(|datetime\.date")),
]
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# Attributes a person reads or hears: tooltips, labels for screen readers, hints, alternatives.
SPOKEN = ("title", "aria-label", "placeholder", "alt")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template", "textarea"):
            self.skipping += 1
        for name, value in attrs:
            if name in SPOKEN and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "textarea") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    """The page's text and spoken attributes, one piece a line; scripts, styles and what a form
    field holds (its value, a textarea) left out."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(parser.parts)


def raw_numbers(text: str) -> list[str]:
    """Each raw number in `text` with its reason and the words around it."""
    found = []
    for reason, pattern in RAW_NUMBER:
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 30), match.end() + 30
            found.append(f"{reason}: …{text[start:end]}…".replace("\n", " ⏎ "))
    return found


# The official term in brackets after its English ("Grants made public (公示)"): a gloss for the
# reader who meets the Chinese term in documents, not a leak.
GLOSS = re.compile(r"(?<=[A-Za-z)]) ?[(（][\u3400-\u4dbf\u4e00-\u9fff·、/+ 0-9]+[)）]")


def han_outside(text: str, data: set[str] = frozenset()) -> list[str]:
    """Runs of Chinese characters in `text` that are not part of a data value (a name, a place)
    nor a gloss of the English before them."""
    allowed = sorted((d for d in data if d), key=len, reverse=True)
    leaks = []
    for line in text.splitlines():
        rest = GLOSS.sub(" ", line)
        for value in allowed:
            rest = rest.replace(value, " ")
        leaks += [f"{run} (in “{line[:80]}”)" for run in HAN.findall(rest)]
    return leaks


def menu_urls(client) -> list[str]:
    """The pages the signed-in user's menu offers (core.context_processors.nav)."""
    home = client.get("/")
    sections = home.context["nav_sections"] if home.context else {}
    return list(dict.fromkeys(entry["url"] for section in sections.values() for entry in section))


def in_language(client, code: str = "en"):
    """A test client whose pages come in `code`, as the top bar's language button chooses it (its
    cookie): pages follow the user's choice, not the browser's Accept-Language (docs/i18n.md)."""
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


LATIN = re.compile(r"[A-Za-z][A-Za-z’'-]{2,}")
# Words that stay in Latin letters on a Chinese page: formats, standards, names of things.
LATIN_ALLOWED = {
    *("Excel", "CSV", "PDF", "PNG", "JPEG", "xlsx", "docx", "xls", "API", "English", "OpenID", "Connect", "Webhook"),
    "Parquet",  # a file format, as CSV
    *("min", "max", "chinese-calendar"),  # a formula's functions, a package's name
    *("Word", "csv", "parquet", "RTSP", "HTTP", "HLS", "HTTP-FLV", "FLV"),  # formats and protocols
}
IDENTIFIER = re.compile(r"\b[a-z_]+(?:\.[a-z_]+)+\b")  # a job's code name (core.daily_digest): not a label


def latin_outside(text: str, data: set[str] = frozenset(), allowed: set[str] = LATIN_ALLOWED) -> list[str]:
    """English words in `text` (a Chinese page) that are not part of a data value or a known name."""
    values = sorted((d for d in data if d), key=len, reverse=True)
    leaks = []
    for line in text.splitlines():
        rest = line
        for value in values:
            rest = rest.replace(value, " ")
        rest = IDENTIFIER.sub(" ", rest)
        leaks += [f"{word} (in “{line[:80]}”)" for word in LATIN.findall(rest) if word not in allowed]
    return leaks


def data_values() -> set[str]:
    """Every text a user or an import put in the database (names, places, notes): what a page may
    show in whatever language it was written."""
    from django.apps import apps
    from django.db import models

    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("keyprojects."):
            continue
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.FileField)) and not f.choices
        ]
        for row in model._base_manager.values_list(*names) if names else ():
            found.update(str(v).strip() for v in row if v)
            found.update(str(v).rsplit("/", 1)[-1] for v in row if v and "/" in str(v))  # a file's name
            found.update(line.strip() for v in row if v for line in str(v).splitlines())
        found.update(str(obj) for obj in model._base_manager.all()[:500])
    return found
