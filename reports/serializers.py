from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.api import ScopedPrimaryKeyRelatedField
from org.models import County, Township
from org.selectors import township_list

from .forms import MonthField
from .models import ReportKind, ReportRun, RunStatus


class ReportRunSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    month = serializers.DateField(format="%Y-%m")
    county_name = serializers.CharField(source="county.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    requested_by = serializers.SerializerMethodField()
    xlsx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = (
            "id", "kind", "kind_display", "month", "county", "county_name", "township", "township_name",
            "status", "status_display", "progress", "error", "notes", "is_current", "superseded_at",
            "requested_by", "requested_at", "started_at", "finished_at", "attempts", "xlsx_url", "pdf_url",
        )  # fmt: skip
        read_only_fields = fields

    def get_requested_by(self, obj) -> str:
        return str(obj.requested_by) if obj.requested_by_id else str(_("系统"))

    def _url(self, obj, fmt: str, field) -> str | None:
        if obj.status != RunStatus.DONE or not field:
            return None
        return self.context["request"].build_absolute_uri(reverse(f"report-{fmt}", args=[obj.pk]))

    def get_xlsx_url(self, obj) -> str | None:
        return self._url(obj, "xlsx", obj.file)

    def get_pdf_url(self, obj) -> str | None:
        return self._url(obj, "pdf", obj.pdf)


class ReportRequestSerializer(serializers.Serializer):
    """``month`` as YYYY-MM; ``township`` (an id in the caller's scope) or none for the
    whole county; ``county`` only for a user who works in several counties."""

    kind = serializers.ChoiceField(choices=ReportKind.choices)
    month = serializers.CharField()
    township = ScopedPrimaryKeyRelatedField(
        selector=township_list, queryset=Township.objects.none(), required=False, allow_null=True
    )
    county = serializers.PrimaryKeyRelatedField(queryset=County.objects.none(), required=False, allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["county"].queryset = County.objects.visible_to(self.context["request"].user)
        return fields

    def validate_month(self, value):
        from django import forms

        try:
            return MonthField().clean(value)
        except forms.ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
