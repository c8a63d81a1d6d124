import copy

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import exceptions, routers, serializers
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import get_view_name as drf_view_name

VIEW_SUFFIXES = {"List": _("列表"), "Instance": _("详情")}
# Endpoints without a model of their own: the first part of their path → Swagger UI tag.
PATH_TAGS = {"auth": _("登录令牌")}


def exception_handler(exc, context):
    """Turn domain errors raised by services into 400/403 responses with their Chinese text."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                ("non_field_errors" if field == "__all__" else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(detail=str(exc) or None)
    return drf_exception_handler(exc, context)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """An id looked up through ``selector(user=...)`` for the request's user: an id outside
    the user's scope is a 400 ("object does not exist"), never a hit. ``queryset`` only
    names the model for the schema and is never queried (``.none()`` fails closed)."""

    def __init__(self, *, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


def parse_input(serializer: serializers.Serializer) -> dict:
    """An input serializer's validated data (400 with its errors otherwise): input
    serializers only parse, the services validate the rules and save."""
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def view_model(view):
    """The model an API view serves (from its queryset or serializer), or None."""
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer_class = getattr(view, "serializer_class", None)
    if serializer_class is None and hasattr(view, "get_serializer_class"):
        probe = copy.copy(view)  # the breadcrumbs' views have no action: ask as the list would
        probe.action = getattr(view, "action", None) or "list"
        try:
            serializer_class = probe.get_serializer_class()
        except Exception:  # noqa: BLE001 - a view that needs a request to choose: no model
            serializer_class = None
    return getattr(getattr(serializer_class, "Meta", None), "model", None)


def view_name(view) -> str:
    """The browsable API's page title in Chinese: 后备干部列表, 后备干部详情 (REST_FRAMEWORK
    VIEW_NAME_FUNCTION); DRF's English class-derived name only for views without a model."""
    name = getattr(view, "name", None)
    if name is not None:
        return str(name)
    model = view_model(view)
    if model is None:
        return drf_view_name(view)
    suffix = getattr(view, "suffix", None)
    return f"{model._meta.verbose_name}{VIEW_SUFFIXES.get(suffix, suffix or '')}"


def view_description(view, html=False) -> str:
    """Only a description a view sets on purpose (``description``): class docstrings are
    English notes for developers, not text for the browsable API's readers."""
    description = getattr(view, "description", None) or ""
    return format_html("<p>{}</p>", description) if html and description else str(description)


class APIRootView(routers.APIRootView):
    """The API root (/api/v1/): the list of endpoints, titled in Chinese."""

    name = _("接口目录")
    description = _("村级后备干部管理系统接口（v1）：以下为各类数据的地址；接口说明见“接口文档”。")


class DefaultRouter(routers.DefaultRouter):
    APIRootView = APIRootView


class AutoSchema(SpectacularAutoSchema):
    """Swagger UI sections (tags) named in Chinese after the model an endpoint serves
    (后备干部, 导师库…) instead of the URL's first word ("cadres")."""

    def get_tags(self) -> list[str]:
        model = view_model(self.view)
        if model is not None:
            return [str(model._meta.verbose_name_plural)]
        first = self._tokenize_path()[:1]
        return [str(PATH_TAGS.get(part, part)) for part in first]


class ChineseSessionScheme(SessionScheme):
    """The schema's cookie login for common.authentication.SessionAuthentication (it only
    words the CSRF refusal differently from DRF's)."""

    target_class = "common.authentication.SessionAuthentication"
