"""Template helpers of the assessment grid."""

from typing import Any

from django import template

from ..models import Grade

register = template.Library()


@register.simple_tag
def grid_value(posted: Any, row: Any, field: str, indicator_id: int | None = None) -> Any:
    """A grid cell's value: what the user just posted (kept on an error), else what is saved."""
    name = f"r{row.cadre.pk}-" + (f"s{indicator_id}" if indicator_id is not None else field)
    if field == "version":  # always the saved one: what this page's next save is based on
        return row.assessment.version if row.assessment else ""
    if posted is not None:
        return posted.get(name, "")
    if indicator_id is not None:
        score = row.scores.get(indicator_id)
        if score is None:
            return ""
        return str(score.to_integral_value()) if score == score.to_integral_value() else str(score)
    if row.assessment is None:
        return ""
    value = getattr(row.assessment, field)
    return "" if value in (None, 0) and field.startswith("vote") else value


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def split(text: str) -> list[str]:
    return text.split()


@register.filter
def grade_label(value: str) -> str:
    return Grade(value).label if value else ""
