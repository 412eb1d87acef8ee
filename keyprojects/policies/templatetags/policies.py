from django import template

from ..services import fen_text

register = template.Library()


@register.filter
def fen(value):
    """An amount kept in fen, for the reader: 32万元, 1,234.56元 (320,000.00 yuan in English)."""
    return fen_text(value)
