from django.contrib.auth.mixins import UserPassesTestMixin

from accounts.scoping import can_write


class WriteRequiredMixin(UserPassesTestMixin):
    """Pages that change data: leaders (read-only) get 403."""

    def test_func(self):
        return can_write(self.request.user)
