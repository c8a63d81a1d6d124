"""The server side of the searchable selects (common.widgets.RemoteSelect and
static/js/remote-select.js): a term read from ``?q=``, at most SEARCH_LIMIT matches, each as
``{"id", "text"}``, and the labels the selects show for the chosen row. Other apps search
their own rows (mentors, reserves free for pairing) through the same helpers."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, JsonResponse

from common.collation import pinyin_ordering

SEARCH_LIMIT = 20
TERM_LIMIT = 50


def search_term(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:TERM_LIMIT]


def search_response(rows: Iterable[tuple[int, str]]) -> JsonResponse:
    return JsonResponse({"results": [{"id": pk, "text": text} for pk, text in rows]})


def village_label(village: Any) -> str:
    return f"{village.township.name} {village.name}"


def cadre_label(cadre: Any) -> str:
    return f"{cadre.village.township.name} {cadre.village.name} {cadre.name}"


def villages_matching(villages: QuerySet, term: str) -> list:
    """The first SEARCH_LIMIT of ``villages`` (already scoped, township joined) whose name
    or township's name holds ``term``, in pinyin order: one query."""
    if term:
        villages = villages.filter(Q(name__icontains=term) | Q(township__name__icontains=term))
    return list(villages.order_by(*pinyin_ordering("township__name", "name", "pk"))[:SEARCH_LIMIT])


def cadres_matching(cadres: QuerySet, term: str) -> list:
    """The first SEARCH_LIMIT of ``cadres`` (already scoped, village and township joined)
    whose name or village's name holds ``term``, in pinyin order: one query."""
    if term:
        cadres = cadres.filter(Q(name__icontains=term) | Q(village__name__icontains=term))
    return list(cadres.order_by(*pinyin_ordering("name", "pk"))[:SEARCH_LIMIT])
