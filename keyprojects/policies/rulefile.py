"""A policy's rules as a readable text file, exported and imported the same way:

    # 漯政〔2024〕12号 漯河市促进工业经济稳增长的若干政策措施
    [A1] 营业收入首次突破2亿元奖励
    方式: 免申即享
    条件: 营业收入 突破 2亿元 [有歧义] 且 以前年度最高营业收入 不满 2亿元
    金额: 20万元
    取整: 元 四舍五入
    上限: 无
    资金池: 60万元

An import reads the whole file and checks every item (its rule, the items it reads, no circle)
before anything is written; an item whose code exists gets a new version only if its rule
changed. Bad lines are reported with their number.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .choices import GrantMode, Rounding, RoundingMode
from .language import MONEY, RuleError, const_text, order_items, parse_condition, parse_formula

MODE_WORDS = {GrantMode.AUTOMATIC: "免申即享", GrantMode.INSTANT: "即申即享", GrantMode.APPLY: "申报"}
ROUNDING_WORDS = {
    Rounding.FEN: "分",
    Rounding.YUAN: "元",
    Rounding.HUNDRED: "百元",
    Rounding.THOUSAND: "千元",
    Rounding.WAN: "万元",
}
MODE_OF_WORD = {"四舍五入": RoundingMode.HALF_UP, "舍去": RoundingMode.FLOOR}
KEYS = {"方式": "mode", "条件": "condition", "金额": "formula", "取整": "rounding", "上限": "cap", "资金池": "budget"}


def _money(fen):
    return "无" if fen is None else const_text(MONEY, fen)


def write_rules(policy, items) -> str:
    lines = [f"# {policy.number} {policy.title}", ""]
    for item in items:
        mode = "四舍五入" if item.rounding_mode == RoundingMode.HALF_UP else "舍去"
        lines += [
            f"[{item.code}] {item.name}",
            f"方式: {MODE_WORDS[item.mode]}",
            f"条件: {item.condition_text}",
            f"金额: {item.formula_text}",
            f"取整: {ROUNDING_WORDS[item.rounding]} {mode}",
            f"上限: {_money(item.cap_fen)}",
            f"资金池: {_money(item.budget_fen)}",
            "",
        ]
    return "\n".join(lines)


def _read_money(text):
    if text in ("无", ""):
        return None
    node = parse_formula(text)
    if node.get("op") != "const" or node.get("kind") != MONEY or node["value"] < 0:
        raise RuleError(_("An amount or cap cannot be below zero."))
    return node["value"]


def read_rules(text: str, known_codes=()) -> list[dict]:
    """The items of a rules file, every one checked; ValidationError listing each bad line."""
    items, errors, current = [], [], None
    for number, raw in enumerate(unicodedata.normalize("NFKC", text).splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            code, _sep, name = line[1:].partition("]")
            current = {"code": code.strip(), "name": name.strip() or code.strip(), "line": number}
            items.append(current)
            continue
        key, sep, value = line.partition(":")
        if not sep or key.strip() not in KEYS or current is None:
            errors.append(
                _("Line %(n)s: “%(line)s” is not “[code] name” or a known key (条件, 金额 …).")
                % {"n": number, "line": line}
            )
            continue
        current[KEYS[key.strip()]] = (value.strip(), number)
    codes = {i["code"] for i in items} | set(known_codes)
    for item in items:
        try:
            for key in ("condition", "formula"):
                if key not in item:
                    raise RuleError(_("“%(key)s” is missing.") % {"key": "条件" if key == "condition" else "金额"})
            condition_text, line = item["condition"]
            item["condition_text"], item["condition"] = condition_text, parse_condition(condition_text, codes)
            formula_text, line = item["formula"]
            item["formula_text"], item["formula"] = formula_text, parse_formula(formula_text, codes)
            words = {v: k for k, v in MODE_WORDS.items()}
            item["mode"] = words.get(item.pop("mode", ("免申即享", 0))[0])
            if item["mode"] is None:
                raise RuleError(_("方式 is one of 免申即享, 即申即享, 申报."))
            rounding_text = item.pop("rounding", ("元 四舍五入", 0))[0].split()
            rounding = {v: k for k, v in ROUNDING_WORDS.items()}.get(rounding_text[0] if rounding_text else "")
            mode = MODE_OF_WORD.get(rounding_text[1] if len(rounding_text) > 1 else "四舍五入")
            if rounding is None or mode is None:
                raise RuleError(_("取整 is a unit (分, 元, 百元, 千元, 万元) and 四舍五入 or 舍去."))
            item["rounding"], item["rounding_mode"] = rounding, mode
            item["cap_fen"] = _read_money(item.pop("cap", ("无", 0))[0])
            item["budget_fen"] = _read_money(item.pop("budget", ("无", 0))[0]) or 0
        except RuleError as error:
            errors.append(
                _("Item %(code)s (line %(n)s): %(reason)s")
                % {"code": item["code"], "n": item["line"], "reason": " ".join(error.messages)}
            )
    if not errors:
        try:
            order_items({i["code"]: [i["condition"], i["formula"]] for i in items})
        except RuleError as error:
            errors += error.messages
    if not items and not errors:
        errors.append(_("The file has no items."))
    if errors:
        raise ValidationError(errors)
    return items
