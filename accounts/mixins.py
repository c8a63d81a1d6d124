from functools import wraps

from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .models import Role
from .scoping import can_write


class WriteRequiredMixin(UserPassesTestMixin):
    """Pages that change data: leaders (read-only) get 403."""

    def test_func(self):
        return can_write(self.request.user)


def write_required(view):
    """Function views that change or hand out full personal data: leaders get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_write(request.user):
            raise PermissionDenied(_("您的角色只能查看。"))
        return view(request, *args, **kwargs)

    return wrapped


class OwnTownshipFilterMixin:
    """List pages with a 乡镇 filter: a township secretary has only their own township,
    so the choice is not offered (the list is already scoped to it)."""

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        if self.request.user.role == Role.TOWNSHIP:
            filterset.form.fields.pop("township", None)
        return filterset
