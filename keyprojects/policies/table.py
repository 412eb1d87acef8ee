"""Enterprises' facts as the engine's columns: the table, a table's rows picked for the sparse
path, and tables built from reference-style enterprises (the what-if calculator, the property
test). Kept apart from the engine so that the engine is the rules and nothing else."""

from dataclasses import dataclass, field

import numpy as np

from .language import is_title

I64 = np.int64


@dataclass
class Table:
    """Enterprises' facts as columns. `numbers[(field, lag)]` = (values, known or None when all
    are known); `titles[field]` = (values, present); `codes[field]` = (codes with -1 for
    missing, vocabulary)."""

    n: int
    ref: int  # the reference date as yyyymmdd (ages, titles held)
    numbers: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)
    codes: dict = field(default_factory=dict)
    ids: np.ndarray | None = None


class _Picked(dict):
    """A table's columns at some rows only, gathered when a formula first reads them."""

    def __init__(self, source: dict, rows: np.ndarray, kind: str):
        super().__init__()
        self.source, self.rows, self.kind = source, rows, kind

    def __missing__(self, key):
        values, extra = self.source[key]
        if self.kind == "codes":  # extra is the vocabulary
            picked = (values[self.rows], extra)
        else:  # extra is known (None: all) or present
            picked = (values[self.rows], None if extra is None else extra[self.rows])
        self[key] = picked
        return picked


def picked(table: Table, rows: np.ndarray) -> Table:
    """The enterprises at `rows` of a table, their columns gathered lazily."""
    return Table(
        n=len(rows),
        ref=table.ref,
        numbers=_Picked(table.numbers, rows, "numbers"),
        titles=_Picked(table.titles, rows, "titles"),
        codes=_Picked(table.codes, rows, "codes"),
    )


def table_from(enterprises, ref: int) -> Table:
    """A table from reference-style enterprises (`reference.Enterprise`): the what-if calculator
    and the property test use it; the run over the database builds columns directly."""
    n = len(enterprises)
    table = Table(n=n, ref=ref)
    number_keys = {key for e in enterprises for key in e.numbers}
    for key in number_keys:
        values = np.zeros(n, dtype=I64)
        known = np.zeros(n, dtype=bool)
        for i, e in enumerate(enterprises):
            fact = e.numbers.get(key)
            if fact is not None and not fact.stale:
                values[i], known[i] = fact.value, True
        table.numbers[key] = (values, None if known.all() else known)
    for name in {name for e in enterprises for name in e.titles}:
        values = np.zeros(n, dtype=I64)
        present = np.zeros(n, dtype=bool)
        for i, e in enumerate(enterprises):
            fact = e.titles.get(name)
            if fact is not None:
                values[i], present[i] = fact.value, True
        table.titles[name] = (values, present)
    for name in {name for e in enterprises for name in e.codes}:
        vocab = sorted({e.codes[name] for e in enterprises if e.codes.get(name) is not None})
        index = {word: i for i, word in enumerate(vocab)}
        codes = np.array([index.get(e.codes.get(name), -1) for e in enterprises], dtype=np.int32)
        table.codes[name] = (codes, vocab)
    return table


def complete(table: Table, fields) -> Table:
    """Columns a rule reads that no enterprise has: all unknown (titles: none held)."""
    from .language import field_kind as kind_of

    for name, lag in fields:
        if kind_of(name) == "code":
            table.codes.setdefault(name, (np.full(table.n, -1, dtype=np.int32), []))
        elif is_title(name):
            table.titles.setdefault(name, (np.zeros(table.n, dtype=I64), np.zeros(table.n, dtype=bool)))
        else:
            table.numbers.setdefault((name, lag), (np.zeros(table.n, dtype=I64), np.zeros(table.n, dtype=bool)))
    return table
