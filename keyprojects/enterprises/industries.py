"""GB/T 4754-2017 国民经济行业分类 by name: the 20 sections (门类) and 97 divisions (大类), from
data/gbt4754_2017.csv, so that a ledger's 所属行业 text (制造业, 食品制造业) becomes the code the
platform keeps (C, C14)."""

import csv
import functools
import unicodedata
from pathlib import Path

from keyprojects.core.names import Nearest

TABLE = Path(__file__).parent / "data" / "gbt4754_2017.csv"


@functools.cache
def industries() -> dict[str, str]:
    """Name → code: a section's letter, a division's letter and two digits (食品制造业 → C14)."""
    names, section = {}, ""
    with TABLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["code"].isalpha():
                section = row["code"]
                names.setdefault(_key(row["name"]), section)
            else:  # a division named as its section (房地产业, 教育) is the more precise
                names[_key(row["name"])] = section + row["code"]
    return names


@functools.cache
def _nearest():
    return Nearest(industries())


def _key(text):
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).replace(",", "、")


def industry_code(text: str) -> tuple[str | None, str, list[str]]:
    """(code, its name, []) for a section or division name, or the one name it begins (食品制造
    → C14, 食品制造业); (None, "", the nearest names) otherwise."""
    key = _key(text)
    table = industries()
    if key in table:
        return table[key], key, []
    starting = [name for name in table if name.startswith(key)] if len(key) >= 2 else []
    if len(starting) == 1:
        return table[starting[0]], starting[0], []
    return None, "", _nearest()(key)
