"""Parts of the cadre page that other apps contribute (the mentor card, assignments,
assessments ...), registered in their ``AppConfig.ready()``, so the cadre page shows them
without importing those apps."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CadreSection:
    """``template`` is included with ``section`` set to what ``context(cadre=, user=)``
    returns; sections are shown by ascending ``order``."""

    key: str
    template: str
    context: Callable[..., dict[str, Any]]
    order: int = 100


_registry: dict[str, CadreSection] = {}


def register_section(section: CadreSection) -> None:
    _registry[section.key] = section


def cadre_sections(*, cadre: Any, user: Any) -> list[dict[str, Any]]:
    """What the cadre page includes, in order: ``{"template": ..., "context": ...}``."""
    return [
        {"template": section.template, "context": section.context(cadre=cadre, user=user)}
        for section in sorted(_registry.values(), key=lambda s: (s.order, s.key))
    ]
