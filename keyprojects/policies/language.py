"""The rule language of 兑现事项: eligibility and amount as data (a JSON tree), with a readable
text form that round-trips (text → tree → the same text; tree → text → the same tree).

A condition is what the policy text says, in its words:

    营业收入 2亿元以上 且 以前年度最高营业收入 不满 2亿元
    行业代码 属于 {C13、C14、C15} 且 所在地区 属于 {411102、411103}
    从业人员 介于 20人(含) 至 300人(不含)
    已认定 专精特新 且 年限(成立日期) 满 3年
    营业收入 突破 2亿元 [有歧义]

Boundary words carry their legal reading (民法典 第一千二百五十九条): 以上, 以下, 以内, 届满, 满,
达到, 不低于, 不超过, 以后, 以前 include the number; 超过, 不满, 高于, 低于, 不足, 突破, 之后, 之前
exclude it; "(含)" or "(不含)" after the number overrides the word. "[有歧义]" marks a reading
the author leaves open: at exactly the boundary the engine answers 有歧义 with both amounts.

An amount is a formula:

    50万元
    较小值(比例(10%, 研发费用), 100万元)
    每人(2000元, 从业人员)
    阶梯就高(营业收入; 1亿元以上: 10万元; 5亿元以上: 30万元)
    首次阶梯累加(营业收入, 以前年度最高营业收入; 1亿元以上: 10万元; 5亿元以上: 20万元) [有歧义]
    分段累进(营业收入 - 营业收入(上年); 1000万元: 1%; 不限: 0.5%)
    对照(企业规模; 中型: 20万元; 小型: 10万元; 微型: 5万元)
    较小值(事项(A1) + 事项(A2), 80万元)

Values are integers in their unit: money in fen, counts, electricity in Wh, dates as yyyymmdd,
years as whole years: nothing is a float. Every node's kind is checked before a rule is saved.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from keyprojects.enterprises.choices import FACT_KINDS, TITLE_FIELDS, FactField, FactKind

# --- kinds and fields ----------------------------------------------------------------------

MONEY, COUNT, ENERGY, DATE, YEARS, CODE, BOOL = "money", "count", "energy", "date", "years", "code", "bool"
KIND_OF_FACT = {
    FactKind.MONEY: MONEY,
    FactKind.COUNT: COUNT,
    FactKind.ENERGY: ENERGY,
    FactKind.DATE: DATE,
    FactKind.FLAG: BOOL,
    FactKind.CODE: CODE,
}
# What a rule may read besides the facts: the enterprise's own industry and region codes.
ATTRIBUTES = {"industry": "行业代码", "region": "所在地区"}
FIELD_TEXT = {
    FactField.REVENUE: "营业收入",
    FactField.MAIN_REVENUE: "主营业务收入",
    FactField.PRIOR_MAX_REVENUE: "以前年度最高营业收入",
    FactField.TAX_PAID: "纳税额",
    FactField.RD_EXPENSE: "研发费用",
    FactField.RD_DEDUCTIBLE: "研发费用加计扣除额",
    FactField.EMPLOYEES: "从业人员",
    FactField.ELECTRICITY: "用电量",
    FactField.EXPORTS: "出口额",
    FactField.IMPORTS: "进口额",
    FactField.FOUNDED: "成立日期",
    FactField.HIGH_TECH: "高新技术企业",
    FactField.INNOVATIVE_SME: "创新型中小企业",
    FactField.SPECIALISED: "专精特新",
    FactField.LITTLE_GIANT: "小巨人",
    FactField.SINGLE_CHAMPION: "单项冠军",
    FactField.ABOVE_SCALE: "规上企业",
    FactField.LISTED: "上市",
    FactField.SCALE: "企业规模",
    FactField.BLACKLISTED: "信用黑名单",
}
NAMES = {**{v: str(k) for k, v in FIELD_TEXT.items()}, **{v: k for k, v in ATTRIBUTES.items()}}
# Which period a figure is read for: a whole number of years before the policy's year, or a
# quarter (quarterly facts, `EnterpriseFact.quarter`): the latest quarter ended by the policy's
# reference date, the same quarter a year earlier, quarter N of the policy's year, or the sum of
# the four quarters ending with the latest. `periods()` turns one into (year, quarter) pairs.
LAG_TEXT = {
    1: "上年",
    2: "前年",
    "Q": "上一季度",
    "QY": "上年同季度",
    "Q1": "本年第1季度",
    "Q2": "本年第2季度",
    "Q3": "本年第3季度",
    "Q4": "本年第4季度",
    "Q4S": "最近四个季度合计",
}
LAGS = {v: k for k, v in LAG_TEXT.items()}
QUARTERLY = frozenset(k for k in LAG_TEXT if isinstance(k, str))


def latest_quarter(day) -> tuple[int, int]:
    """The last quarter that ended on or before `day`: (year, quarter)."""
    quarter = (day.month - 1) // 3 + 1
    ends = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}[quarter]
    if (day.month, day.day) != ends:
        quarter -= 1
    return (day.year, quarter) if quarter else (day.year - 1, 4)


def periods(lag, year: int, as_of) -> list[tuple[int, int]]:
    """The (year, quarter) periods a figure is read for; quarter 0 is the whole year. A period
    of several quarters is their sum, known only where every one is."""
    if not isinstance(lag, str):
        return [(year - lag, 0)]
    last_year, last = latest_quarter(as_of)
    if lag == "Q":
        return [(last_year, last)]
    if lag == "QY":
        return [(last_year - 1, last)]
    if lag == "Q4S":
        found, y, q = [], last_year, last
        for _ in range(4):
            found.append((y, q))
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        return found[::-1]
    return [(year, int(lag[1]))]


def lag_order(lag) -> str:
    """A sort key that sets yearly and quarterly periods side by side."""
    return f"{lag:02d}" if isinstance(lag, int) else lag


def field_kind(name: str) -> str:
    if name in ATTRIBUTES:
        return CODE
    return KIND_OF_FACT[FACT_KINDS[name]]


def is_title(name: str) -> bool:
    return name in TITLE_FIELDS


# --- boundary words ------------------------------------------------------------------------

# word -> (comparison, inclusive, position: "suffix" after the number or "prefix" before it)
WORDS = {
    "以上": (">", True, "suffix"),
    "以下": ("<", True, "suffix"),
    "以内": ("<", True, "suffix"),
    "以后": (">", True, "suffix"),
    "以前": ("<", True, "suffix"),
    "之后": (">", False, "suffix"),
    "之前": ("<", False, "suffix"),
    "届满": (">", True, "prefix"),
    "满": (">", True, "prefix"),
    "达到": (">", True, "prefix"),
    "不低于": (">", True, "prefix"),
    "不超过": ("<", True, "prefix"),
    "超过": (">", False, "prefix"),
    "高于": (">", False, "prefix"),
    "突破": (">", False, "prefix"),
    "不满": ("<", False, "prefix"),
    "低于": ("<", False, "prefix"),
    "不足": ("<", False, "prefix"),
}
PREFIX_WORDS = sorted((w for w, v in WORDS.items() if v[2] == "prefix"), key=len, reverse=True)
SUFFIX_WORDS = sorted((w for w, v in WORDS.items() if v[2] == "suffix"), key=len, reverse=True)
OPEN = "[有歧义]"


def comparison(word: str, incl: bool | None) -> tuple[str, bool]:
    """(direction, inclusive) of a boundary word, "(含)"/"(不含)" overriding its own reading."""
    direction, inclusive, _position = WORDS[word]
    return direction, inclusive if incl is None else incl


# --- money, rates and other constants ------------------------------------------------------

MONEY_UNITS = [("亿元", 10**10), ("万元", 10**6), ("元", 100)]  # fen per unit
ENERGY_UNITS = [("万千瓦时", 10**7), ("千瓦时", 1000)]  # Wh per unit
COUNT_UNITS = [("人", 1), ("个", 1)]
YEAR_UNITS = [("年", 1)]
CONST_UNITS = {MONEY: MONEY_UNITS, ENERGY: ENERGY_UNITS, COUNT: COUNT_UNITS, YEARS: YEAR_UNITS}
UNIT_KIND = {unit: kind for kind, units in CONST_UNITS.items() for unit, _f in units}
UNIT_FACTOR = {unit: factor for units in CONST_UNITS.values() for unit, factor in units}


def const_text(kind: str, value: int) -> str:
    """The shortest exact writing: 2亿元, 500万元, 1234.56元, 85.5万千瓦时, 50人, 3年, 2024-01-01."""
    if kind == DATE:
        return f"{value // 10000}年{value // 100 % 100}月{value % 100}日"
    units = CONST_UNITS[kind]
    for unit, factor in units:
        if value % factor == 0 and (abs(value) >= factor or unit == units[-1][0]):
            return f"{value // factor}{unit}"
    unit, factor = units[-1]
    return f"{Decimal(value) / factor:f}{unit}"


def rate_text(rate) -> str:
    num, den = rate
    text = f"{Decimal(num) * 100 / Decimal(den):f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text) + "%"


def parse_rate(text: str):
    match = re.fullmatch(r"(\d+(?:\.\d+)?)%", text)
    if not match:
        raise RuleError(_("“%(text)s” is not a rate (10%%, 0.5%%).") % {"text": text})
    number = Decimal(match.group(1))
    places = max(0, -number.as_tuple().exponent)
    den = 100 * 10**places
    return [int(number * 10**places), den]


class RuleError(ValidationError):
    pass


MAX_CONST = 10**14  # 1万亿元 in fen: with the feeds' bounds, no product leaves int64


# --- the tree: checking kinds ----------------------------------------------------------------


def expr_kind(node, items=frozenset()) -> str:
    """The kind of an expression, or RuleError saying what is wrong with it."""
    if not isinstance(node, dict) or "op" not in node:
        raise RuleError(_("A formula part is not understood: %(node)s") % {"node": node})
    op = node["op"]
    if op == "fact":
        name = node.get("field")
        if name not in FACT_KINDS and name not in ATTRIBUTES:
            raise RuleError(_("The rule reads an unknown field “%(field)s”.") % {"field": name})
        lag = node.get("lag", 0)
        if not isinstance(lag, int | str) or (lag not in (0, 1, 2) and lag not in QUARTERLY):
            raise RuleError(
                _(
                    "A field can be read for this year, last year or the year before, or for a quarter "
                    "(上一季度, 上年同季度, 本年第N季度, 最近四个季度合计)."
                )
            )
        if lag in QUARTERLY and field_kind(name) not in (MONEY, COUNT, ENERGY):
            raise RuleError(
                _("Only amounts, counts and energy have quarterly figures: “%(field)s” has none.")
                % {"field": FIELD_TEXT.get(name) or ATTRIBUTES.get(name, name)}
            )
        return field_kind(name)
    if op == "const":
        if node.get("kind") not in (MONEY, COUNT, ENERGY, DATE, YEARS) or not isinstance(node.get("value"), int):
            raise RuleError(_("A constant needs a kind and a whole value."))
        if abs(node["value"]) > MAX_CONST:
            raise RuleError(_("The amount is too large to be true."))
        return node["kind"]
    if op in ("add", "sub", "min", "max"):
        args = node.get("args") or []
        if len(args) < 2 or (op == "sub" and len(args) != 2):
            raise RuleError(_("“%(op)s” needs two values.") % {"op": op})
        kinds = {expr_kind(a, items) for a in args}
        if len(kinds) != 1 or kinds & {CODE, DATE, BOOL}:
            raise RuleError(_("Only amounts, counts or energy of one kind can be added or compared."))
        return kinds.pop()
    if op == "rate":
        if expr_kind(node.get("of"), items) != MONEY:
            raise RuleError(_("A rate applies to an amount of money."))
        _check_rate(node.get("rate"))
        return MONEY
    if op == "per":
        if expr_kind(node.get("of"), items) != COUNT or not isinstance(node.get("amount"), int):
            raise RuleError(_("“Per head” multiplies an amount by a count."))
        if not 0 <= node["amount"] <= 10**9:
            raise RuleError(_("An amount per head is at most 1000万元."))
        return MONEY
    if op == "years":
        if expr_kind(node.get("of"), items) != DATE:
            raise RuleError(_("Years are counted from a date."))
        return YEARS
    if op == "item":
        if node.get("code") not in items:
            raise RuleError(_("The formula names an unknown item “%(code)s”.") % {"code": node.get("code")})
        return MONEY
    if op == "if":
        cond_check(node.get("cond"), items)
        kinds = {expr_kind(node.get("then"), items), expr_kind(node.get("else"), items)}
        if len(kinds) != 1:
            raise RuleError(_("Both branches of “if” must be of one kind."))
        return kinds.pop()
    if op == "tiers":
        kind = expr_kind(node.get("of"), items)
        if kind not in (MONEY, COUNT, ENERGY):
            raise RuleError(_("Tiers apply to an amount, a count or energy."))
        if node.get("prior") is not None and expr_kind(node["prior"], items) != kind:
            raise RuleError(_("The earlier value of a first crossing must be of the same kind."))
        tiers = node.get("tiers") or []
        if not tiers or node.get("mode") not in ("highest", "cumulative"):
            raise RuleError(_("Tiers need at least one tier and a mode (highest only or cumulative)."))
        for tier in tiers:
            if tier.get("word") not in WORDS or WORDS[tier["word"]][0] != ">" or not isinstance(tier.get("at"), int):
                raise RuleError(_("Each tier is a threshold reached from below (以上, 超过 …) and an amount."))
            _check_amount(tier.get("amount"))
        return MONEY
    if op == "brackets":
        if expr_kind(node.get("of"), items) != MONEY:
            raise RuleError(_("Brackets apply to an amount of money."))
        bands = node.get("bands") or []
        if not bands:
            raise RuleError(_("Brackets need at least one band."))
        last = 0
        for i, (upper, rate) in enumerate(bands):
            _check_rate(rate)
            if upper is None and i != len(bands) - 1:
                raise RuleError(_("Only the last band is open-ended."))
            if upper is not None and upper <= last:
                raise RuleError(_("Bands must rise."))
            last = upper or last
        return MONEY
    if op == "lookup":
        if expr_kind(node.get("of"), items) != CODE or not isinstance(node.get("table"), dict):
            raise RuleError(_("A lookup reads a code and gives amounts."))
        for amount in node["table"].values():
            _check_amount(amount)
        return MONEY
    raise RuleError(_("A formula part is not understood: %(node)s") % {"node": op})


def _check_rate(rate):
    if not (isinstance(rate, list) and len(rate) == 2 and all(isinstance(r, int) for r in rate)):
        raise RuleError(_("A rate is a fraction."))
    if rate[0] < 0 or rate[1] <= 0:
        raise RuleError(_("A rate cannot be negative."))
    # Bounds that keep every product inside int64: a base up to 1万亿元 (10^14 fen) times a rate
    # to the hundredth of a percent.
    if rate[1] > 10**4 or rate[0] > rate[1]:
        raise RuleError(_("A rate is at most 100%% and written to the hundredth of a percent (12.25%%)."))


def _check_amount(amount):
    if not isinstance(amount, int) or amount < 0:
        raise RuleError(_("An amount or cap cannot be below zero."))
    if amount > MAX_CONST:
        raise RuleError(_("The amount is too large to be true."))


def cond_check(node, items=frozenset()) -> None:
    if not isinstance(node, dict) or "test" not in node:
        raise RuleError(_("A condition part is not understood: %(node)s") % {"node": node})
    test = node["test"]
    if test == "true":
        return
    if test in ("and", "or"):
        if len(node.get("args") or []) < 2:
            raise RuleError(_("“and” and “or” join two conditions or more."))
        for arg in node["args"]:
            cond_check(arg, items)
        return
    if test == "not":
        return cond_check(node.get("arg"), items)
    if test == "has":
        if node.get("field") not in TITLE_FIELDS:
            raise RuleError(_("“已认定” needs a title (高新技术企业, 专精特新 …)."))
        return
    if test == "cmp":
        left, right = expr_kind(node.get("left"), items), expr_kind(node.get("right"), items)
        if left != right or left in (CODE, BOOL):
            raise RuleError(_("A comparison needs two values of one kind (an amount with an amount …)."))
        if node.get("word") not in WORDS or node.get("incl") not in (None, True, False):
            raise RuleError(_("“%(word)s” is not a boundary word.") % {"word": node.get("word")})
        if WORDS[node["word"]][2] == "suffix" and node["right"].get("op") != "const":
            raise RuleError(_("“%(word)s” follows a number (2亿元以上).") % {"word": node["word"]})
        return
    if test == "between":
        kinds = {expr_kind(node.get(k), items) for k in ("of", "low", "high")}
        if len(kinds) != 1 or kinds & {CODE, BOOL}:
            raise RuleError(_("A range needs three values of one kind."))
        return
    if test == "in":
        if expr_kind(node.get("of"), items) != CODE or not node.get("set"):
            raise RuleError(_("“属于” checks a code against a list of codes."))
        return
    raise RuleError(_("A condition part is not understood: %(node)s") % {"node": test})


def item_refs(node) -> set[str]:
    """The items a formula or condition reads."""
    found = set()
    if isinstance(node, dict):
        if node.get("op") == "item":
            found.add(node["code"])
        for value in node.values():
            found |= item_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= item_refs(value)
    return found


def fields_read(node) -> set[tuple[str, int | str]]:
    """(field, lag) pairs a rule reads."""
    found = set()
    if isinstance(node, dict):
        if node.get("op") == "fact":
            found.add((node["field"], node.get("lag", 0)))
        if node.get("test") == "has":
            found.add((node["field"], 0))
        for value in node.values():
            found |= fields_read(value)
    elif isinstance(node, list):
        for value in node:
            found |= fields_read(value)
    return found


def order_items(items: dict[str, tuple]) -> list[str]:
    """Item codes so that each comes after the items it reads; RuleError on a cycle."""
    done: list[str] = []
    state: dict[str, int] = {}

    def visit(code, path):
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            raise RuleError(_("The items read each other in a circle: %(path)s.") % {"path": " → ".join([*path, code])})
        state[code] = 1
        for ref in sorted(item_refs(items[code])):
            if ref not in items:
                raise RuleError(_("The formula names an unknown item “%(code)s”.") % {"code": ref})
            visit(ref, [*path, code])
        state[code] = 2
        done.append(code)

    for code in items:
        visit(code, [])
    return done


# --- the text form: writing ------------------------------------------------------------------


def expr_text(node) -> str:
    op = node["op"]
    if op == "fact":
        name = FIELD_TEXT.get(node["field"]) or ATTRIBUTES[node["field"]]
        lag = node.get("lag", 0)
        return f"{name}({LAG_TEXT[lag]})" if lag else name
    if op == "const":
        return const_text(node["kind"], node["value"])
    if op == "add":
        return " + ".join(_term_text(a) for a in node["args"])
    if op == "sub":
        return f"{_term_text(node['args'][0])} - {_term_text(node['args'][1])}"
    if op in ("min", "max"):
        name = "较小值" if op == "min" else "较大值"
        return f"{name}({', '.join(expr_text(a) for a in node['args'])})"
    if op == "rate":
        return f"比例({rate_text(node['rate'])}, {expr_text(node['of'])})"
    if op == "per":
        return f"每人({const_text(MONEY, node['amount'])}, {expr_text(node['of'])})"
    if op == "years":
        return f"年限({expr_text(node['of'])})"
    if op == "item":
        return f"事项({node['code']})"
    if op == "if":
        return f"如果({cond_text(node['cond'])}, {expr_text(node['then'])}, {expr_text(node['else'])})"
    if op == "tiers":
        name = ("首次" if node.get("prior") is not None else "") + (
            "阶梯就高" if node["mode"] == "highest" else "阶梯累加"
        )
        kind = expr_kind(node["of"], _ANY)
        head = expr_text(node["of"]) + (f", {expr_text(node['prior'])}" if node.get("prior") is not None else "")
        tiers = "; ".join(
            f"{_bound_text(kind, t['at'], t['word'], t.get('incl'))}: {const_text(MONEY, t['amount'])}"
            for t in node["tiers"]
        )
        return f"{name}({head}; {tiers})" + (f" {OPEN}" if node.get("open") else "")
    if op == "brackets":
        bands = "; ".join(
            f"{'不限' if upper is None else const_text(MONEY, upper)}: {rate_text(rate)}"
            for upper, rate in node["bands"]
        )
        return f"分段累进({expr_text(node['of'])}; {bands})"
    if op == "lookup":
        table = "; ".join(f"{_code_text(k)}: {const_text(MONEY, v)}" for k, v in node["table"].items())
        return f"对照({expr_text(node['of'])}; {table})"
    raise RuleError(op)


class _AnyItems(frozenset):
    def __contains__(self, item):
        return True


_ANY = _AnyItems()

SCALE_TEXT = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}
SCALE_CODES = {v: k for k, v in SCALE_TEXT.items()}


def _code_text(code: str) -> str:
    return SCALE_TEXT.get(code, code)


def _term_text(node) -> str:
    text = expr_text(node)
    return f"({text})" if node["op"] in ("add", "sub") else text


def _bound_text(kind, value, word, incl) -> str:
    number = const_text(kind, value)
    mark = "" if incl is None else ("(含)" if incl else "(不含)")
    if WORDS[word][2] == "suffix":
        return f"{number}{word}{mark}"
    return f"{word} {number}{mark}"


def cond_text(node, top=True) -> str:
    test = node["test"]
    if test == "true":
        return "总是"
    if test in ("and", "or"):
        joined = (" 且 " if test == "and" else " 或 ").join(cond_text(a, False) for a in node["args"])
        return joined if top else f"({joined})"
    if test == "not":
        return f"非 {cond_text(node['arg'], False)}"
    if test == "has":
        return f"已认定 {FIELD_TEXT[node['field']]}"
    if test == "in":
        codes = "、".join(_code_text(c) for c in node["set"])
        return f"{expr_text(node['of'])} 属于 {{{codes}}}" + (" (按前缀)" if node.get("prefix") else "")
    if test == "between":
        low, high = node["low"], node["high"]
        return (
            f"{expr_text(node['of'])} 介于 {expr_text(low)}{'(含)' if node.get('low_incl', True) else '(不含)'}"
            f" 至 {expr_text(high)}{'(含)' if node.get('high_incl', True) else '(不含)'}"
        )
    if test == "cmp":
        word, incl = node["word"], node.get("incl")
        mark = "" if incl is None else ("(含)" if incl else "(不含)")
        right = expr_text(node["right"])
        if WORDS[word][2] == "suffix":
            text = f"{expr_text(node['left'])} {right}{word}{mark}"
        else:
            text = f"{expr_text(node['left'])} {word} {right}{mark}"
        return text + (f" {OPEN}" if node.get("open") else "")
    raise RuleError(test)


# --- the text form: reading ------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<open>\[有歧义\])|(?P<mark>\((?:含|不含)\))|(?P<punct>[(){},;:+\-、])|(?P<word>[^\s(){},;:+\-、\[\]]+))"
)


@dataclass
class _Tok:
    kind: str
    text: str


def _tokens(text: str) -> list[_Tok]:
    text = unicodedata.normalize("NFKC", text).replace("，", ",").replace("；", ";").replace("：", ":")
    # A boundary mark directly after a word: "2亿元(含)" is the number then the mark.
    found, pos = [], 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise RuleError(_("The rule cannot be read at “%(rest)s”.") % {"rest": text[pos : pos + 20]})
        pos = match.end()
        for kind in ("open", "mark", "punct", "word"):
            if match.group(kind) is not None:
                found.append(_Tok(kind, match.group(kind)))
                break
        if text[pos:].strip() == "":
            break
    return found


class _Parser:
    def __init__(self, text):
        self.toks = _tokens(text)
        self.i = 0
        self.parens: set[int] = set()  # expressions written in parentheses: "(a + b) + c" keeps its shape

    def peek(self, offset=0):
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else None

    def take(self, text=None):
        tok = self.peek()
        if tok is None or (text is not None and tok.text != text):
            raise RuleError(
                _("Expected “%(want)s” at “%(got)s”.") % {"want": text or "…", "got": tok.text if tok else _("the end")}
            )
        self.i += 1
        return tok

    def at(self, text):
        tok = self.peek()
        return tok is not None and tok.text == text

    def done(self):
        if self.peek() is not None:
            raise RuleError(_("The rule cannot be read at “%(rest)s”.") % {"rest": self.peek().text})

    # conditions
    def cond(self):
        args = [self.conj()]
        while self.at("或"):
            self.take()
            args.append(self.conj())
        return args[0] if len(args) == 1 else {"test": "or", "args": args}

    def conj(self):
        args = [self.unary()]
        while self.at("且"):
            self.take()
            args.append(self.unary())
        return args[0] if len(args) == 1 else {"test": "and", "args": args}

    def unary(self):
        if self.at("非"):
            self.take()
            return {"test": "not", "arg": self.unary()}
        if self.at("总是"):
            self.take()
            return {"test": "true"}
        if self.at("已认定"):
            self.take()
            name = self.take().text
            if NAMES.get(name) not in TITLE_FIELDS:
                raise RuleError(_("“已认定” needs a title (高新技术企业, 专精特新 …)."))
            return {"test": "has", "field": NAMES[name]}
        if self.at("("):
            # a condition in parentheses, or else a comparison whose value starts with one
            start = self.i
            try:
                self.take("(")
                inner = self.cond()
                self.take(")")
                return inner
            except RuleError:
                self.i = start
        return self.atom()

    def atom(self):
        left = self.expr()
        tok = self.peek()
        if tok is None:
            raise RuleError(
                _("A condition needs a boundary word (以上, 超过 …) after “%(left)s”.") % {"left": expr_text(left)}
            )
        if tok.text == "属于":
            self.take()
            self.take("{")
            codes = [self._code(self.take().text)]
            while self.at("、") or self.at(","):
                self.take()
                codes.append(self._code(self.take().text))
            self.take("}")
            node = {"test": "in", "of": left, "set": codes}
            if self.at("(") and self.peek(1) and self.peek(1).text == "按前缀":
                self.take("(")
                self.take("按前缀")
                self.take(")")
                node["prefix"] = True
            return node
        if tok.text == "介于":
            self.take()
            low = self.expr()
            low_incl = self._mark()
            self.take("至")
            high = self.expr()
            high_incl = self._mark()
            return {
                "test": "between",
                "of": left,
                "low": low,
                "high": high,
                "low_incl": low_incl is not False,
                "high_incl": high_incl is not False,
            }
        if tok.text in WORDS and WORDS[tok.text][2] == "prefix":
            self.take()
            right = self.expr()
            return self._cmp(left, tok.text, right)
        # suffix form: "2亿元以上" reads as one word; split the number from the boundary word
        word = tok.text
        for suffix in SUFFIX_WORDS:
            if word.endswith(suffix) and len(word) > len(suffix):
                self.take()
                right = self._const(word[: -len(suffix)], hint=None)
                return self._cmp(left, suffix, right)
        raise RuleError(_("A condition needs a boundary word (以上, 超过 …) at “%(got)s”.") % {"got": word})

    def _cmp(self, left, word, right):
        node = {"test": "cmp", "left": left, "word": word, "right": right}
        incl = self._mark()
        if incl is not None:
            node["incl"] = incl
        if self.peek() is not None and self.peek().kind == "open":
            self.take()
            node["open"] = True
        return node

    def _mark(self):
        tok = self.peek()
        if tok is not None and tok.kind == "mark":
            self.take()
            return tok.text == "(含)"
        return None

    def _code(self, text):
        return SCALE_CODES.get(text, text.upper())

    # expressions
    def expr(self):
        node = self.term()
        while self.at("+") or self.at("-"):
            op = self.take().text
            right = self.term()
            if op == "+":
                flat = node["op"] == "add" and id(node) not in self.parens
                node = {"op": "add", "args": [*node["args"], right] if flat else [node, right]}
            else:
                node = {"op": "sub", "args": [node, right]}
        return node

    def term(self):
        tok = self.take()
        if tok.text == "(":
            inner = self.expr()
            self.take(")")
            self.parens.add(id(inner))
            return inner
        name = tok.text
        if name in NAMES:
            node = {"op": "fact", "field": NAMES[name]}
            if self.at("(") and self.peek(1) and self.peek(1).text in LAGS:
                self.take("(")
                node["lag"] = LAGS[self.take().text]
                self.take(")")
            return node
        calls = {
            "较小值": self._minmax,
            "较大值": self._minmax,
            "比例": self._rate,
            "每人": self._per,
            "年限": self._years,
            "事项": self._item,
            "如果": self._if,
            "分段累进": self._brackets,
            "对照": self._lookup,
        }
        if name in calls:
            return calls[name](name)
        if name.endswith(("阶梯就高", "阶梯累加")):
            return self._tiers(name)
        return self._const(name, hint=None)

    def _const(self, text, hint):
        day = re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
        if day:
            year, month, dom = (int(g) for g in day.groups())
            if not (1 <= month <= 12 and 1 <= dom <= 31):
                raise RuleError(_("“%(text)s” is not a date.") % {"text": text})
            return {"op": "const", "kind": DATE, "value": year * 10000 + month * 100 + dom}
        for unit in sorted(UNIT_KIND, key=len, reverse=True):
            if text.endswith(unit):
                number = text[: -len(unit)]
                try:
                    value = Decimal(number) * UNIT_FACTOR[unit]
                except InvalidOperation:
                    break
                if value != value.to_integral_value():
                    raise RuleError(_("“%(text)s” is finer than the unit allows (a fen, a Wh).") % {"text": text})
                return {"op": "const", "kind": UNIT_KIND[unit], "value": int(value)}
        raise RuleError(
            _("“%(text)s” is neither a field nor a number with its unit (2亿元, 50人, 3年).") % {"text": text}
        )

    def _money(self):
        node = self._const(self.take().text, MONEY)
        if node["kind"] != MONEY:
            raise RuleError(_("An amount of money is expected here (50万元)."))
        return node["value"]

    def _minmax(self, name):
        self.take("(")
        args = [self.expr()]
        while self.at(","):
            self.take()
            args.append(self.expr())
        self.take(")")
        return {"op": "min" if name == "较小值" else "max", "args": args}

    def _rate(self, name):
        self.take("(")
        rate = parse_rate(self.take().text)
        self.take(",")
        of = self.expr()
        self.take(")")
        return {"op": "rate", "rate": rate, "of": of}

    def _per(self, name):
        self.take("(")
        amount = self._money()
        self.take(",")
        of = self.expr()
        self.take(")")
        return {"op": "per", "amount": amount, "of": of}

    def _years(self, name):
        self.take("(")
        of = self.expr()
        self.take(")")
        return {"op": "years", "of": of}

    def _item(self, name):
        self.take("(")
        code = self.take().text
        self.take(")")
        return {"op": "item", "code": code}

    def _if(self, name):
        self.take("(")
        cond = self.cond()
        self.take(",")
        then = self.expr()
        self.take(",")
        other = self.expr()
        self.take(")")
        return {"op": "if", "cond": cond, "then": then, "else": other}

    def _tiers(self, name):
        first = name.startswith("首次")
        mode = "highest" if name.endswith("就高") else "cumulative"
        self.take("(")
        of = self.expr()
        node = {"op": "tiers", "of": of}
        if first:
            self.take(",")
            node["prior"] = self.expr()
        node["mode"] = mode
        tiers = []
        while self.at(";"):
            self.take()
            bound = self.take().text
            word = incl = None
            if bound in WORDS:  # prefix: "超过 1亿元"
                word, number = bound, self.take().text
            else:
                for suffix in SUFFIX_WORDS:
                    if bound.endswith(suffix) and len(bound) > len(suffix):
                        word, number = suffix, bound[: -len(suffix)]
                        break
            if word is None:
                raise RuleError(_("A tier starts with its threshold and boundary word (1亿元以上)."))
            threshold = self._const(number, None)
            if threshold["kind"] != expr_kind(of, _ANY):
                raise RuleError(_("A tier's threshold must be of the same kind as the value it grades."))
            at = threshold["value"]
            incl = self._mark()
            self.take(":")
            tier = {"at": at, "word": word, "amount": self._money()}
            if incl is not None:
                tier["incl"] = incl
            tiers.append(tier)
        self.take(")")
        node["tiers"] = tiers
        if self.peek() is not None and self.peek().kind == "open":
            self.take()
            node["open"] = True
        return node

    def _brackets(self, name):
        self.take("(")
        of = self.expr()
        bands = []
        while self.at(";"):
            self.take()
            upper_text = self.take().text
            upper = None if upper_text == "不限" else self._const(upper_text, MONEY)["value"]
            self.take(":")
            bands.append([upper, parse_rate(self.take().text)])
        self.take(")")
        return {"op": "brackets", "of": of, "bands": bands}

    def _lookup(self, name):
        self.take("(")
        of = self.expr()
        table = {}
        while self.at(";"):
            self.take()
            code = self._code(self.take().text)
            self.take(":")
            table[code] = self._money()
        self.take(")")
        return {"op": "lookup", "of": of, "table": table}


def parse_condition(text: str, items=_ANY) -> dict:
    """The condition tree of a text, checked; RuleError (in the user's language) if it is wrong."""
    parser = _Parser(text)
    node = parser.cond()
    parser.done()
    cond_check(node, items)
    return node


def parse_formula(text: str, items=_ANY) -> dict:
    parser = _Parser(text)
    node = parser.expr()
    parser.done()
    expr_kind(node, items)
    return node
