"""What a rule means, stated once for both evaluators (the vectorised engine and the
per-enterprise reference); the property test holds them equal.

- Every value is an integer in its unit (fen, persons, Wh, yyyymmdd, whole years).
- A fact that is missing, or older than the run's `stale_before` date, is unknown. A title
  (高新技术企业 …, the blacklist) is a list published in full: absent means "not held", and any
  comparison on an absent title's date is false, never unknown.
- Conditions are three-valued (Kleene): "and" is false if any part is false, true if all are true,
  otherwise unknown; "or" the other way round.
- An item is NO when its condition is false; MISSING (数据不足) when its condition or, being true,
  its amount is unknown; otherwise its amount, rounded by its rule, capped, and NO if that is 0.
- A rule may mark a reading as open ([有歧义]): a comparison exactly at its boundary, or tiers
  where more than one is reached at once. Reading A is the text's literal reading, reading B the
  alternative (the boundary flipped; 就高 for 累加 and back). An item whose readings disagree is
  AMBIGUOUS with both amounts; one that needs a missing fact in either reading is MISSING.
- A policy's per-enterprise total cap is applied in the items' order, in each reading.
- Rounding: rate × base is rounded half up to the fen (floor division throughout, so that both
  evaluators agree bit for bit); the item's own rounding to 元/百元/万元 is half up or down.
"""

NO, YES, MISSING, AMBIGUOUS = 0, 1, 2, 3
ROUNDING_UNITS = {"fen": 1, "yuan": 100, "hundred": 10_000, "thousand": 100_000, "wan": 1_000_000}


def rate_of(value: int, num: int, den: int) -> int:
    """value × num / den, half up, in integers."""
    return (2 * value * num + den) // (2 * den)


def round_amount(value: int, unit: int, mode: str) -> int:
    if unit == 1:
        return value
    if mode == "floor":
        return value // unit * unit
    return (value + unit // 2) // unit * unit
