"""Region names as ledgers write them, to the platform's regions: the names themselves, their
common variants (郾城 for 郾城区, 漯河市郾城区, 经开区 for 经济技术开发区, the part in brackets of
城乡一体化示范区（西城区）), the aliases administrators keep (RegionAlias), and the national
divisions (divisions.py) to say where a place outside the deployment's root region is.

A `RegionFinder` reads the regions and aliases once per file: two queries, none per row."""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from keyprojects.core.access import Action
from keyprojects.core.names import Nearest, to_simplified

from .divisions import by_name, division
from .models import Region, RegionAlias

CITY_LEVEL = ("市本级", "本级", "市直", "市级", "全市")  # a project of the root region itself
ZONE_SHORT = (("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"), ("经济开发区", "经开区"))
_BRACKETS = re.compile(r"[(（]([^)）]*)[)）]")


def key(text):
    """A name compared without spaces, full-width forms or traditional characters."""
    text = "".join(unicodedata.normalize("NFKC", str(text or "")).split())
    return to_simplified(text)


def root_region():
    """The deployment's root region (settings.KEYPROJECTS_ROOT_REGION), or None before it is loaded."""
    return Region.objects.filter(code=settings.KEYPROJECTS_ROOT_REGION).first()


class RegionFinder:
    """Cell text → a region's pk, or a ValidationError that says why not and what would be."""

    def __init__(self, user, *, blank_is_root=False):
        self.blank_is_root = blank_is_root
        rows = Region.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
        rows = list(rows.values_list("pk", "name", "code", "parent_id"))
        self.root = next((r for r in rows if r[2] == settings.KEYPROJECTS_ROOT_REGION), None)
        if self.root is None:
            self.root = next((r for r in rows if r[3] is None), None)
        self.root_division = division(self.root[2]) if self.root and self.root[2] else None
        self.codes = {code for _pk, _name, code, _parent in rows if code}
        self.names = {}
        for pk, name, _code, _parent in rows:
            for variant in self.variants(name):
                self.names.setdefault(variant, pk)
        for pk, name, _code, _parent in rows:  # a region's own name wins over another's variant
            self.names[key(name)] = pk
        for alias, pk in RegionAlias.objects.filter(archived_at__isnull=True).values_list("name", "region_id"):
            self.names.setdefault(key(alias), pk)
        self.nearest = Nearest([name for _pk, name, _code, _parent in rows])
        self.chain = self.prefixes()
        self.seen = {}  # text -> pk or the ValidationError: a ledger names a few regions many times

    def variants(self, name):
        """The other ways a ledger writes a region's name."""
        name = key(name)
        found = {name}
        inside = _BRACKETS.findall(name)
        bare = _BRACKETS.sub("", name)
        found |= {bare, *inside}
        root = key(self.root[1]) if self.root else ""
        for variant in list(found):
            for prefix in (root, root[:-1] if root[-1:] in "市县区" else root):  # 漯河市…, 漯河…
                if prefix and variant.startswith(prefix) and len(variant) > len(prefix) + 1:
                    found.add(variant[len(prefix) :])
        for variant in list(found):
            if variant[-1:] in "区县市" and len(variant) > 2:
                found.add(variant[:-1])  # 郾城 for 郾城区
            for long, short in ZONE_SHORT:
                if variant.endswith(long):
                    found.add(variant.replace(long, short))
        return {v for v in found if v}

    def blank(self):
        """A blank cell: the root region (a city-level project) where blank means that."""
        return self.root[0] if self.blank_is_root and self.root else None

    def __call__(self, text):
        if text not in self.seen:
            self.seen[text] = self.resolve(text)
        found = self.seen[text]
        if isinstance(found, ValidationError):
            raise found
        return found

    def resolve(self, text):
        name = key(text)
        if self.root and name in CITY_LEVEL:
            return self.root[0]
        for candidate in self.candidates(name):
            if candidate in self.names:
                return self.names[candidate]
        return ValidationError(self.elsewhere(name) or self.unknown(text))

    def candidates(self, name):
        """The name, then without the province, the root's name and the city before it."""
        yield name
        rest = name
        for prefix in self.chain:
            if rest.startswith(prefix) and len(rest) > len(prefix):
                rest = rest[len(prefix) :]
                yield rest
        if rest.startswith("市") and len(rest) > 2:  # 市城乡一体化示范区: the city's own zone
            yield rest[1:]

    def prefixes(self):
        chain, current = [], self.root_division
        while current is not None:
            chain.insert(0, current.name)
            current = current.parent
        return chain

    def elsewhere(self, name):
        """Where a division outside the root region is: 舞钢市属于平顶山市，不在本平台范围内."""
        found = None
        for candidate in self.split(name):
            places = by_name().get(candidate, [])
            if places:
                province = self.root_division.code[:2] if self.root_division else ""
                places = sorted(places, key=lambda d: d.code[:2] != province)  # the root's province first
                found = places[0]
                break
        if found is None:
            return None
        if self.root_division and found.within(self.root_division) and found.code not in self.codes:
            message = _("%(name)s is in %(root)s but not among this platform's regions: an administrator adds it.")
            return message % {"name": found.name, "root": self.root_division.name}
        if found.code in self.codes:
            return None
        parent = found.parent
        if parent is None:
            return _("%(name)s is outside this platform's area.") % {"name": found.name}
        message = _("%(name)s is in %(parent)s, outside this platform's area.")
        return message % {"name": found.name, "parent": parent.name}

    def split(self, name):
        """The place a text names, last part first: 平顶山市舞钢市 → 舞钢市, then 平顶山市舞钢市."""
        parts = re.findall(r".+?(?:省|自治区|市|自治州|地区|盟|区|县|旗)", name)
        if parts:
            yield parts[-1]
        yield name
        for suffix in "县区市":
            yield name + suffix

    def unknown(self, text):
        near = self.nearest(key(text))
        if near:
            message = _("“%(value)s” is not a region of this platform; the nearest: %(names)s.")
            return message % {"value": text, "names": "、".join(near)}
        message = _("“%(value)s” is not a region of this platform, which has %(names)s.")
        return message % {"value": text, "names": "、".join(self.nearest.names)}


def region_finder(*, blank_is_root=False):
    """A Column's `finder`: built once per file for the importing user."""

    def build(importer):
        return RegionFinder(importer.user, blank_is_root=blank_is_root)

    return build
