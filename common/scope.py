"""Whose data a page, an API call, a report or a job may see.

A ``Scope`` is a plain value: every county (a city or province deployment's superuser),
some counties, one township, or nothing. It is built from a signed-in user
(``Scope.of(user)``) or given directly, so a Celery job can act for "county X" without a
person. Scoped models get ``Model.objects.visible_to(scope_or_user)`` from
``ScopedQuerySet``; selectors start from it, so a new selector cannot forget the filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, Self

from django.db import models
from django.db.models import Q

_NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    """``county_ids`` None means every county; ``township_id`` narrows to one township."""

    county_ids: frozenset[int] | None = frozenset()
    township_id: int | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls(county_ids=None)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(county_ids=frozenset())

    @classmethod
    def county(cls, county_id: int) -> Scope:
        return cls(county_ids=frozenset({county_id}))

    @classmethod
    def counties(cls, county_ids: list[int] | set[int] | frozenset[int]) -> Scope:
        return cls(county_ids=frozenset(county_ids))

    @classmethod
    def township(cls, township_id: int) -> Scope:
        return cls(county_ids=None, township_id=township_id)

    @classmethod
    def of(cls, who: Any) -> Scope:
        """The scope itself, or a user's (``User.scope``); anonymous users see nothing."""
        if isinstance(who, Scope):
            return who
        if who is None or not getattr(who, "is_authenticated", False):
            return cls.nothing()
        return who.scope

    @property
    def is_everything(self) -> bool:
        return self.county_ids is None and self.township_id is None

    @property
    def is_nothing(self) -> bool:
        return self.township_id is None and self.county_ids == frozenset()

    @property
    def is_township(self) -> bool:
        return self.township_id is not None

    def q(self, path: str = "") -> Q:
        """Rows under this scope; ``path`` leads from the row to its township:
        ``""`` for a township, ``"township"`` for a village, ``"village__township"`` for a cadre."""
        if self.township_id is not None:
            return Q(**{f"{path}_id" if path else "pk": self.township_id})
        if self.county_ids is None:
            return Q()
        if not self.county_ids:
            return _NOTHING
        return Q(**{f"{path}__county_id__in" if path else "county_id__in": sorted(self.county_ids)})

    def county_q(self, path: str = "") -> Q:
        """Rows of a county-level model (a county policy) whose ``path`` leads to the county;
        a township sees its own county's."""
        if self.township_id is not None:
            return Q(**{f"{path}__townships" if path else "townships": self.township_id})
        if self.county_ids is None:
            return Q()
        if not self.county_ids:
            return _NOTHING
        return Q(**{f"{path}_id__in" if path else "pk__in": sorted(self.county_ids)})


class ScopedUser(Protocol):
    """What scoping reads from a signed-in user; ``accounts.models.User`` is one. The apps
    below accounts (org) type their ``user`` arguments with it, since they cannot import User."""

    @property
    def is_authenticated(self) -> bool: ...

    @property
    def scope(self) -> Scope: ...


class ScopedQuerySet(models.QuerySet):
    """``visible_to`` for a model that declares where its township is
    (``scope_path = "village__township"``), or for a county-level model, its county
    (``scope_county_path = "county"``). A model with neither fails loudly."""

    def visible_to(self, who: Any) -> Self:
        scope = Scope.of(who)
        model = self.model
        if hasattr(model, "scope_path"):
            return self.filter(scope.q(model.scope_path))
        return self.filter(scope.county_q(model.scope_county_path))
