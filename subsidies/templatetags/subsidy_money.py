from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | int | None) -> str:
    """Yuan with two places and thousands separators (185,164,977.63), exact for Decimal."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):,.2f}"
