from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "last_name", "first_name", "role", "county", "township", "is_active")
    list_filter = ("role", "county", "township", "is_active", "is_staff")
    list_select_related = ("county", "township")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("角色与辖区", {"fields": ("role", "county", "township")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("角色与辖区", {"fields": ("role", "county", "township")}),
    )
