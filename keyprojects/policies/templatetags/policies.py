from django import template

from ..services import fen_text

register = template.Library()


@register.filter
def fen(value):
    """An amount kept in fen, for the reader: 32万元, 1,234.56元 (320,000.00 yuan in English)."""
    return fen_text(value)


@register.inclusion_tag("policies/_rule_builder.html")
def rule_builder():
    """The builder's choices: the fields a rule reads (titles apart), boundary words, units."""
    from ..language import ATTRIBUTES, FIELD_TEXT, LAG_TEXT, PREFIX_WORDS, SUFFIX_WORDS, field_kind, is_title

    fields = [
        (name, field_kind(code))
        for code, name in FIELD_TEXT.items()
        if not is_title(code) and field_kind(code) != "code"
    ]
    titles = [name for code, name in FIELD_TEXT.items() if is_title(code)]
    return {
        "fields": fields,
        "titles": titles,
        "periods": list(LAG_TEXT.values()),  # last year … the quarters (上一季度, 最近四个季度合计)
        "sets": list(ATTRIBUTES.values()),
        "suffix_words": SUFFIX_WORDS,
        "prefix_words": PREFIX_WORDS,
        "units": ["万元", "亿元", "元", "人", "万千瓦时", "年"],
    }
