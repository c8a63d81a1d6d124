from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


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
