"""View helpers shared by the apps."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .forms import add_service_errors


def query_string(request: HttpRequest, *drop: str) -> str:
    """The request's query (its filters) without the page and ``drop``: what the page links
    append after ``?page=N&``."""
    query = request.GET.copy()
    for key in ("page", *drop):
        query.pop(key, None)
    return query.urlencode()


class LastPageMixin:
    """For a paginated list view: a page past the end (an old link, ``?page=999``) or not a
    number shows the nearest page instead of a 404; the template gets ``query_string`` (the
    filters, for the page links) without the page and the keys in ``query_string_drop``."""

    query_string_drop: tuple[str, ...] = ()

    def paginate_queryset(self, queryset: Any, page_size: int) -> tuple:
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["query_string"] = query_string(self.request, *self.query_string_drop)
        return context


class ServiceFormMixin:
    """A FormView whose valid form is handed to a service: ``perform(form)`` calls it and
    returns the saved object. A ValidationError from the service lands on the form (on the
    field it names, or above the form) and the form is shown again with the user's input;
    on success ``success_message(obj)`` is flashed and the user goes to ``success_url_for(obj)``
    (the object's page by default)."""

    def perform(self, form: Form) -> Any:
        raise NotImplementedError

    def success_message(self, obj: Any) -> str:
        return ""

    def success_url_for(self, obj: Any) -> str:
        return obj.get_absolute_url()

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            obj = self.perform(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        if message := self.success_message(obj):
            messages.success(self.request, message)
        return redirect(self.success_url_for(obj))


class _DryRun(Exception):
    pass


class ConfirmStepMixin(ServiceFormMixin):
    """A change made in two steps: the valid form's first post tries the service and rolls
    it back, so what the confirmation page says will hold (the service's refusals land on
    the form at once); only a post with ``confirmed=1`` changes anything, and
    ``confirmed=0`` (返回修改) shows the form again as filled in. The confirmation page gets
    ``confirming`` and ``confirmation_context(form)``."""

    def confirmation_context(self, form: Form) -> dict[str, Any]:
        return {}

    def form_valid(self, form: Form) -> HttpResponse:
        step = self.request.POST.getlist("confirmed")
        if "0" in step:
            return self.render_to_response(self.get_context_data(form=form))
        if "1" in step:
            return super().form_valid(form)
        try:
            with transaction.atomic():
                self.perform(form)
                raise _DryRun
        except _DryRun:
            pass
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(form=form, confirming=True, **self.confirmation_context(form))
        )
