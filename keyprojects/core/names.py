"""Names as ledgers type them: the known names nearest to one that is not known, so that an
error can say what would be ("did you mean 郾城区?") instead of only "not recognisable"."""

import difflib
import functools

# Over more names than this, only those sharing a pair of characters with the text are compared.
SCAN_ALL = 3000


class Nearest:
    """The known names closest to a text: first those that contain it or that it contains, then
    by difflib's ratio. Built once per column of a file, asked only for the cells in error, so a
    large list (the enterprises a city user sees) is indexed by character pairs on first use."""

    def __init__(self, names):
        self.names = [n for n in dict.fromkeys(names) if n]
        self._pairs = None
        self._asked = {}

    def __len__(self):
        return len(self.names)

    def candidates(self, text):
        if len(self.names) <= SCAN_ALL:
            return self.names
        if self._pairs is None:
            self._pairs = {}
            for name in self.names:
                for pair in _pairs(name):
                    self._pairs.setdefault(pair, []).append(name)
        found = {}
        for pair in _pairs(text):
            for name in self._pairs.get(pair, ()):
                found[name] = found.get(name, 0) + 1
        return sorted(found, key=found.get, reverse=True)[:SCAN_ALL]

    def __call__(self, text, limit=3, cutoff=0.5):
        """Up to `limit` known names near `text`, the nearest first."""
        if text in self._asked:
            return self._asked[text]
        scored = []
        for name in self.candidates(text):
            ratio = difflib.SequenceMatcher(None, text, name).ratio()
            if text in name or name in text:
                ratio += 1
            if ratio >= cutoff:
                scored.append((-ratio, len(name), name))
        self._asked[text] = [name for _ratio, _length, name in sorted(scored)[:limit]]
        return self._asked[text]


def _pairs(text):
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


@functools.cache
def _traditional():
    """OpenCC's traditional → simplified character table (opencc-purepy ships it), as a
    str.translate table: one character for one, which is what matching names needs."""
    from importlib.util import find_spec
    from pathlib import Path

    # The package's directory without importing it (its import loads every dictionary, 0.4 s).
    folder = Path(find_spec("opencc_purepy").submodule_search_locations[0])
    table = {}
    text = (folder / "dicts" / "TSCharacters.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        traditional, _tab, simplified = line.partition("\t")
        simplified = simplified.split(" ")[0]
        if len(traditional) == 1 and len(simplified) == 1:
            table[ord(traditional)] = simplified
    return table


def to_simplified(text):
    """衛龍食品 → 卫龙食品, 臨潁縣 → 临颍县: names compared as one writes them in simplified characters."""
    return str(text).translate(_traditional())
