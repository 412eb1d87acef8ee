"""Which enterprise a ledger's builder (项目单位 / 建设单位) is: by its 统一社会信用代码 when the
row gives one, else by its name compared the way people write it (full-width or half-width,
traditional or simplified characters, 有限公司 or 有限责任公司, brackets of either width). A
builder the library does not have is a new enterprise (新建企业), one per name or code in a file,
and found by the same rules on the next import: never a duplicate."""

import re
import unicodedata

from keyprojects.core.access import Action
from keyprojects.core.names import Nearest, to_simplified

from .models import Enterprise
from .validators import normalise_credit_code

_FORMS = (("有限责任公司", "有限公司"), ("股份有限公司", "股份公司"))
_PUNCTUATION = re.compile(r"[\s·・\-—_.,，、\"'“”‘’]")


def name_key(name):
    """漯河市衛龍食品有限責任公司 and 漯河市卫龙食品有限公司 are one name."""
    text = to_simplified(unicodedata.normalize("NFKC", str(name or ""))).lower()
    text = _PUNCTUATION.sub("", text).replace("(", "（").replace(")", "）")
    for long, short in _FORMS:
        text = text.replace(long, short)
    return text


_PLACE = re.compile(r"^(?:\w{1,4}?(?:省|自治区))?(?:\w{1,4}?(?:市|自治州|地区|盟))?(?:\w{1,4}?(?:县|区|旗))?")
_LEGAL_FORM = re.compile(r"(?:股份有限公司|有限责任公司|有限公司|股份公司|集团|公司|厂)+$")


def core(name):
    """What tells one enterprise from another: 漯河市卫龙商贸有限公司 → 卫龙商贸."""
    key = name_key(name)
    return _LEGAL_FORM.sub("", _PLACE.sub("", key, count=1)) or key


class EnterpriseFinder:
    """The enterprises a user may pick, read once per file, and the rest only when a builder is
    not among them (so that a builder another county registered is said to be there, not
    duplicated)."""

    def __init__(self, user):
        self.user = user
        visible = Enterprise.objects.restrict(user, Action.VIEW).filter(archived_at__isnull=True)
        self.visible = self.index(visible.values_list("pk", "name", "credit_code", "region__name"))
        self.others = None
        self.nearest = None
        self.seen = {}  # (name, code) -> what match() found: a ledger names its builders many times

    @staticmethod
    def index(rows):
        by_code, by_name = {}, {}
        for pk, name, code, region in rows.iterator(chunk_size=5000):
            found = (pk, name, region)
            if code:
                by_code[code] = found
            by_name.setdefault(name_key(name), found)
        return by_code, by_name

    def match(self, name, code=""):
        """(pk, its name, True, region) for one the user may pick; (pk, name, False, region) for
        one elsewhere in the library; None for a builder the library does not have."""
        if (name, code) not in self.seen:
            self.seen[name, code] = self.find(name, code)
        return self.seen[name, code]

    def find(self, name, code):
        code = normalise_credit_code(code) if code else ""
        key = name_key(name)
        by_code, by_name = self.visible
        found = by_code.get(code) if code else None
        if found is None and key:
            found = by_name.get(key)
        if found is not None:
            return found[0], found[1], True, found[2]
        if self.others is None:
            rest = Enterprise.objects.exclude(pk__in=Enterprise.objects.restrict(self.user, Action.VIEW))
            self.others = self.index(rest.values_list("pk", "name", "credit_code", "region__name"))
        by_code, by_name = self.others
        found = (by_code.get(code) if code else None) or (by_name.get(key) if key else None)
        return (found[0], found[1], False, found[2]) if found else None

    def near(self, name):
        """Names in the library close to `name` once the place before it and the legal form after
        it are set aside (漯河冷链物流有限公司 is not near 漯河双汇实业集团有限责任公司)."""
        if self.nearest is None:
            self.cores = {}
            for found in self.visible[1].values():
                self.cores.setdefault(core(found[1]), found[1])
            self.nearest = Nearest(self.cores)
        return [self.cores[c] for c in self.nearest(core(name), cutoff=0.6)]
