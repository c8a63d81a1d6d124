"""The Django admin under the pages' rules.

Every ModelAdmin of our apps starts from ``ScopedAdmin`` (or ``ScopedHistoryAdmin``):

* what it lists, opens by URL, searches, offers in a drop-down, an autocomplete or a list
  filter and hands to an admin action is ``Model.objects.visible_to(request.user)``, the
  same scope as the pages (a superuser without a county sees every county); an object
  out of scope is a 404, as on the pages;
* leaders (read-only roles) may only view, only superusers may delete, and there is no
  bulk delete action at all: registry data is not deleted with one click;
* ID numbers and phone numbers are masked in lists for everyone but superusers, and on
  the change form for those who may not write (the detail page's rule);
* models whose changes have rules save through their service (``ServiceAdminMixin``);
  models with their own pages for every change are view-only (``ViewOnlyAdminMixin``).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from .forms import add_service_errors
from .masking import mask_id_number, mask_phone
from .scope import Scope

MASKS = {"id_number": mask_id_number, "phone": mask_phone}
MASKED_COLUMNS = {"id_number": "masked_id_number", "phone": "masked_phone"}


def _scoped(queryset, request):
    """The queryset narrowed to the user's scope, or None for a model without one."""
    if queryset is not None and hasattr(queryset, "visible_to"):
        return queryset.visible_to(request.user)
    return None


def _masked(fields):
    """Field names with the numbers replaced by their masked columns (a fieldset's
    fields may hold tuples of fields shown on one line)."""
    return [MASKED_COLUMNS.get(f, f) if isinstance(f, str) else _masked(f) for f in fields]


class ScopedBaseMixin:
    """For model admins and inlines alike: the choices of every foreign key and
    many-to-many field limited to the user's scope; read-only roles only view; only
    superusers delete."""

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        scoped = _scoped(queryset if queryset is not None else model._default_manager.using(db).all(), request)
        return scoped if scoped is not None else queryset

    def has_add_permission(self, request, *args):
        return request.user.may_write and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.may_write and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class ScopedAdminMixin(ScopedBaseMixin):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        """Out of scope is a 404 like a record that is not there, as on the pages (Django's
        admin would redirect to the index with a message). The change, delete, history
        and password views all start here."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("找不到该记录，或不在您的管辖范围内。"))
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # simple_history's history view falls back to the history table for an object
        # not in get_queryset (a deleted one): only the whole view may use that.
        if not Scope.of(request.user).is_everything:
            self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def get_list_filter(self, request):
        """A filter on a relation offers only the related rows the list holds, not
        every county's townships."""
        return [self._scoped_filter(spec) for spec in super().get_list_filter(request)]

    def _scoped_filter(self, spec):
        if not isinstance(spec, str):
            return spec
        try:
            field = get_fields_from_path(self.model, spec)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return spec
        return (spec, admin.RelatedOnlyFieldListFilter) if field.is_relation else spec

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    # Masking ---------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("身份证号"))
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description=gettext_lazy("联系电话"))
    def masked_phone(self, obj):
        return mask_phone(obj.phone)

    def get_list_display(self, request):
        """Lists show full ID and phone numbers to superusers only."""
        columns = super().get_list_display(request)
        if request.user.is_superuser:
            return columns
        return [MASKED_COLUMNS.get(c, c) if isinstance(c, str) else c for c in columns]

    def shows_full_numbers(self, request) -> bool:
        """The change form shows full numbers to those who may edit the record (the
        detail page's rule)."""
        return request.user.may_write

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.shows_full_numbers(request):
            return fieldsets
        return [(name, {**options, "fields": _masked(options["fields"])}) for name, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self.shows_full_numbers(request):
            return readonly
        return readonly + tuple(MASKED_COLUMNS.values())


class ScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


class ScopedInline(ScopedBaseMixin, admin.TabularInline):
    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


class MaskingHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        mask = MASKS.get(change.field)
        return mask(value) if mask and isinstance(value, str) else value


class ScopedHistoryAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """History may be read, within scope, but not reverted: a revert would write an old
    version straight to the table, past the services (and the lifecycle)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        if request.method == "POST" or not self.shows_full_numbers(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        if self.shows_full_numbers(request):
            return super().get_historical_record_context_helper(request, historical_record)
        return MaskingHistoryHelper(self.model, historical_record)


class ViewOnlyAdminMixin:
    """For models with their own pages for every change (pairings, logs, the county
    policy, imports): the admin only shows them, to superusers too."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceForm(forms.ModelForm):
    """A model form whose last validation step saves through the app's service, inside
    a savepoint of the admin's request transaction: the service's ValidationError (or
    PermissionDenied) then shows on the form instead of ending in a 500. The admin's own
    ``save_model`` has nothing left to do."""

    model_admin = None  # set per request by ServiceAdminMixin.get_form
    request = None
    saved_through_service = False

    def _post_clean(self):
        super()._post_clean()
        if self._errors:
            return
        # The values as the form applied them to the instance (files, cleared fields).
        data = {name: getattr(self.instance, name) for name in self.cleaned_data if hasattr(self.instance, name)}
        try:
            with transaction.atomic():
                self.instance = self.model_admin.save_through_service(self.request, self.instance, data)
        except ValidationError as exc:
            add_service_errors(self, exc)
        except PermissionDenied as exc:
            self.add_error(None, str(exc) or _("您没有修改该记录的权限。"))
        else:
            self.saved_through_service = True


class ServiceAdminMixin:
    """Saves through a service: define ``save_through_service(request, obj, data)``,
    which creates when ``obj._state.adding`` and updates otherwise."""

    form = ServiceForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.inlines:
            # The form saves before the inline formsets are checked: an invalid inline
            # would leave the parent saved.
            raise ImproperlyConfigured(f"{type(self).__name__} saves through a service and cannot have inlines.")

    def save_through_service(self, request, obj, data):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"model_admin": self, "request": request})

    def save_model(self, request, obj, form, change):
        if not getattr(form, "saved_through_service", False):
            raise ImproperlyConfigured(f"{type(self).__name__} saves only through its form's service call.")
