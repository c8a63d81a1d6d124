from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView

from accounts.mixins import WriteRequiredMixin, write_required
from accounts.models import Role
from accounts.scoping import can_write
from common.views import LastPageMixin, ServiceFormMixin, query_string
from imports.views import ImportUploadView, attachment
from org.selectors import township_list, village_list

from . import selectors, services
from .filters import SessionFilter
from .forms import SessionForm
from .importing import NEEDS_IMPORTER, needs_sheet
from .models import AttendanceStatus, Level, Topic

ROWS_PER_PAGE = 50


class SessionListView(LastPageMixin, FilterView):
    template_name = "training/session_list.html"
    filterset_class = SessionFilter
    context_object_name = "sessions"
    paginate_by = 30

    def get_queryset(self):
        return selectors.session_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "can_write": can_write(self.request.user),
            "today": timezone.localdate(),  # a session still to come has no attendance yet
        }


class SessionFormView(WriteRequiredMixin, ServiceFormMixin, FormView):
    template_name = "training/session_form.html"
    form_class = SessionForm

    def get_session(self):
        if "pk" not in self.kwargs:
            return None
        if not hasattr(self, "_session"):
            self._session = selectors.session_get(user=self.request.user, pk=self.kwargs["pk"])
            if not services.may_edit_session(user=self.request.user, session=self._session):
                raise PermissionDenied(_("乡镇只能修改本乡镇举办的乡镇级培训。"))
        return self._session

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.get_session()}

    def get_initial(self):
        user = self.request.user
        if self.get_session() is None and user.role == Role.TOWNSHIP:
            return {"level": Level.TOWNSHIP, "organizer": user.township_id}
        return {}

    def perform(self, form):
        data = {**form.cleaned_data, "target_townships": list(form.cleaned_data.get("target_townships") or [])}
        session = self.get_session()
        if session is None:
            return services.session_create(user=self.request.user, data=data)
        return services.session_update(user=self.request.user, session=session, data=data)

    def success_message(self, session):
        return _("已保存培训班次“%(title)s”。") % {"title": session.title}


class _SessionRowsView(TemplateView):
    """A page of a session's reserves visible to the user, filterable by township and
    village, 50 a page, posted back as one form (the attendance and the needs pages)."""

    def dispatch(self, request, *args, **kwargs):
        self.session = selectors.session_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def rows(self) -> QuerySet:
        raise NotImplementedError

    def _filtered(self) -> tuple[QuerySet, dict[str, Any]]:
        user, params = self.request.user, self.request.GET
        rows = self.rows()
        filters: dict[str, Any] = {"township": None, "village": None, "townships": [], "villages": []}
        if user.role == Role.TOWNSHIP:
            filters["villages"] = village_list(user=user).order_by("name")
        else:
            filters["townships"] = township_list(user=user).filter(county_id=self.session.county_id).order_by("name")
            township = params.get("township", "")
            if township.isdigit():
                filters["township"] = int(township)
                rows = rows.filter(village__township_id=township)
                filters["villages"] = village_list(user=user).filter(township_id=township).order_by("name")
        village = params.get("village", "")
        if village.isdigit() and filters["villages"]:
            filters["village"] = int(village)
            rows = rows.filter(village_id=village)
        return rows, filters

    def get_context_data(self, **kwargs):
        rows, filters = self._filtered()
        page = Paginator(rows, ROWS_PER_PAGE).get_page(self.request.GET.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "session": self.session,
            "filters": filters,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
            "query_string": query_string(self.request),
            "can_write": can_write(self.request.user),
        }

    def _posted_ids(self) -> list[int]:
        return [int(i) for i in self.request.POST.getlist("cadre") if i.isdigit()]

    def _other_errors(self, errors: dict[int, list[str]], rows: list[dict[str, Any]]) -> list[str]:
        """Errors not about a row of this page (a reserve the page does not show)."""
        shown = {row["cadre"].pk for row in rows}
        return [message for key, messages_ in errors.items() if key not in shown for message in messages_]

    def _row_errors(self, exc: ValidationError) -> dict[int, list[str]]:
        errors: dict[int, list[str]] = {}
        for error in exc.error_list:
            cadre = (error.params or {}).get("cadre")
            errors.setdefault(int(cadre) if str(cadre).isdigit() else 0, []).extend(error.messages)
        return errors


def _score_text(score: Decimal | None) -> str:
    if score is None:
        return ""
    return str(int(score)) if score == score.to_integral_value() else str(score)


class AttendanceView(_SessionRowsView):
    """The session's page: its details, the counts (应到/实到/缺勤/请假, 出勤率) and the
    attendance form for the user's reserves, one row each."""

    template_name = "training/session_detail.html"

    def rows(self):
        return selectors.session_targets(session=self.session, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        posted, errors = kwargs.get("posted"), kwargs.get("row_errors", {})
        rows = []
        for cadre in context["page_obj"]:
            key = cadre.pk
            if posted is not None:
                values = {"status": posted.get(f"status-{key}", ""), "score": posted.get(f"score-{key}", ""),
                          "note": posted.get(f"note-{key}", "")}  # fmt: skip
            else:
                values = {"status": cadre.attendance_status or "", "score": _score_text(cadre.attendance_score),
                          "note": cadre.attendance_note or ""}  # fmt: skip
            rows.append({"cadre": cadre, **values, "errors": errors.get(key, []), "left": not cadre.is_active})
        upcoming = self.session.date > timezone.localdate()  # no attendance before the day
        return {
            **context,
            "rows": rows,
            "upcoming": upcoming,
            "may_mark": context["can_write"] and not upcoming,
            "general_errors": self._other_errors(errors, rows),
            "counts": selectors.session_counts(session=self.session, user=self.request.user),
            "statuses": AttendanceStatus.choices,
            "can_edit": services.may_edit_session(user=self.request.user, session=self.session),
        }

    def post(self, request, pk):
        if not can_write(request.user):
            raise PermissionDenied(_("您的角色只能查看。"))
        rows = []
        for key in self._posted_ids():
            status = request.POST.get(f"status-{key}", "")
            if not status:
                continue  # not marked on this page
            rows.append({"cadre": key, "status": status, "exam_score": request.POST.get(f"score-{key}", "").strip(),
                         "note": request.POST.get(f"note-{key}", "")})  # fmt: skip
        try:
            saved = services.attendance_save(user=request.user, session=self.session, rows=rows)
        except ValidationError as exc:
            messages.error(request, _("考勤未保存，请按提示修改后重新保存。"))
            context = self.get_context_data(posted=request.POST, row_errors=self._row_errors(exc))
            return self.render_to_response(context)
        messages.success(request, _("已保存%(count)s人的考勤。") % {"count": len(saved)})
        return redirect(request.get_full_path())


class NeedsView(_SessionRowsView):
    """The session's training needs: the township enters its reserves' topics (50 a page),
    the organiser reads the summary."""

    template_name = "training/needs.html"

    def rows(self):
        return selectors.need_targets(session=self.session, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        posted, errors = kwargs.get("posted"), kwargs.get("row_errors", {})
        rows = []
        for cadre in context["page_obj"]:
            key = cadre.pk
            if posted is not None:
                topics, details = posted.getlist(f"topics-{key}"), posted.get(f"details-{key}", "")
            else:
                topics, details = cadre.need_topics or [], cadre.need_details or ""
            rows.append({"cadre": cadre, "topics": topics, "details": details, "errors": errors.get(key, [])})
        upcoming = self.session.date > timezone.localdate()  # no attendance before the day
        return {
            **context,
            "rows": rows,
            "upcoming": upcoming,
            "may_mark": context["can_write"] and not upcoming,
            "general_errors": self._other_errors(errors, rows),
            "topics": Topic.choices,
            "summary": selectors.needs_summary(session=self.session, user=self.request.user),
        }

    def post(self, request, pk):
        if not can_write(request.user):
            raise PermissionDenied(_("您的角色只能查看。"))
        rows = [
            {"cadre": key, "topics": request.POST.getlist(f"topics-{key}"),
             "details": request.POST.get(f"details-{key}", "")}
            for key in self._posted_ids()
        ]  # fmt: skip
        try:
            saved = services.needs_save(user=request.user, session=self.session, rows=rows)
        except ValidationError as exc:
            messages.error(request, _("培训需求未保存，请按提示修改后重新保存。"))
            context = self.get_context_data(posted=request.POST, row_errors=self._row_errors(exc))
            return self.render_to_response(context)
        messages.success(request, _("已保存%(count)s人的培训需求。") % {"count": saved})
        return redirect(request.get_full_path())


class NeedsImportView(ImportUploadView):
    """A township uploads its needs sheet for a session: upload → preview → confirm."""

    template_name = "training/needs_import.html"
    kind = NEEDS_IMPORTER.kind
    file_label = _("培训需求表")

    def dispatch(self, request, *args, **kwargs):
        self.session = selectors.session_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_import_context(self) -> dict:
        return {"session": self.session.pk}

    def get_page_context(self) -> dict:
        return {"session": self.session}


@write_required
def needs_sheet_download(request, pk):
    """The needs sheet of the session for the user's reserves, what is saved filled in."""
    session = selectors.session_get(user=request.user, pk=pk)
    filename = f"{session.date:%Y%m%d}_{session.title}_培训需求表.xlsx"
    return attachment(needs_sheet(session=session, user=request.user), filename)
