from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm as DjangoAdminPasswordChangeForm
from django.contrib.auth.forms import AdminUserCreationForm as DjangoAdminUserCreationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin as DrfTokenAdmin
from rest_framework.authtoken.models import TokenProxy

from common.admin import ScopedAdmin, ScopedAdminMixin, ViewOnlyAdminMixin

from .models import AccountEvent, User


class SuperuserOnlyMixin:
    """Only superusers may see or change it, whatever permissions an account holds."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class PasswordSetByAdminMixin:
    """A password a superuser sets in the admin is someone else's: changed at the next login."""

    def save(self, commit=True):
        self.instance.must_change_password = True
        return super().save(commit)


class AdminUserCreationForm(PasswordSetByAdminMixin, DjangoAdminUserCreationForm):
    pass


class AdminPasswordChangeForm(DjangoAdminPasswordChangeForm):
    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit)


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Accounts in the user's scope. Only superusers change accounts here (roles,
    staff and superuser flags, groups, permissions, passwords): anyone else could grant
    themselves privileges. County staff manage their county's accounts on the account
    pages (accounts.views)."""

    add_form = AdminUserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "last_name", "first_name", "role", "county", "township", "is_active")
    list_filter = ("role", "county", "township", "is_active", "is_staff")
    list_select_related = ("county", "township")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("角色与辖区"), {"fields": ("role", "county", "township", "must_change_password")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与辖区"), {"fields": ("role", "county", "township")}),
    )

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # The password hash is nobody's business on a view-only page.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]


# Groups and API tokens grant privileges (a token signs in as its user): superusers only.
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(Group)
class GroupAdmin(SuperuserOnlyMixin, DjangoGroupAdmin):
    pass


@admin.register(TokenProxy)
class TokenAdmin(SuperuserOnlyMixin, DrfTokenAdmin):
    def get_queryset(self, request):
        return super().get_queryset(request).filter(user__in=User.objects.visible_to(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AccountEvent)
class AccountEventAdmin(ViewOnlyAdminMixin, ScopedAdmin):
    """The account audit trail: written by accounts.services only, never changed."""

    list_display = ("created_at", "action", "target", "actor")
    list_filter = ("action",)
    list_select_related = ("target", "actor")
    search_fields = ("target__username", "target__last_name", "actor__username")
