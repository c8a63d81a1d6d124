from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A mobile number, or a landline with or without its area code.
PHONE_PATTERN = r"^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{7,8})$"
phone_validator = RegexValidator(PHONE_PATTERN, _("电话号码格式不正确，应为11位手机号或带区号的固定电话"))


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True
