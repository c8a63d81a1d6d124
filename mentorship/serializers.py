"""Serializers of the mentorship API: input serializers only parse, mentorship.services
validates and saves; output serializers render what the selectors loaded."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cadre.models import Cadre
from cadre.selectors import cadre_list
from common.api import ScopedPrimaryKeyRelatedField
from common.masking import mask_phone

from . import selectors
from .models import Mentor, MentoringLog, Pairing
from .selectors import mentor_capacity
from .services import LOG_FIELDS, MENTOR_FIELDS

# Mentors ---------------------------------------------------------------------------------


class MentorSerializer(serializers.ModelSerializer):
    """Output. The phone number is masked except on the detail for users who may edit
    (the view sets ``full_numbers``). ``capacity`` needs ``county_limits`` in the context
    (selectors.county_mentee_limits)."""

    township_name = serializers.CharField(source="township.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, label=_("导师类别"))
    phone = serializers.SerializerMethodField(label=_("联系电话"))
    active_count = serializers.IntegerField(read_only=True, label=_("在帮人数"))
    capacity = serializers.SerializerMethodField(label=_("可带人数（含县里上限）"))

    class Meta:
        model = Mentor
        fields = (
            "id",
            "township",
            "township_name",
            "name",
            "kind",
            "kind_display",
            "unit",
            "post",
            "phone",
            "specialties",
            "is_active",
            "max_mentees",
            "capacity",
            "active_count",
            "created_at",
            "updated_at",
        )

    def get_phone(self, obj) -> str:
        return obj.phone if self.context.get("full_numbers", False) else mask_phone(obj.phone)

    def get_capacity(self, obj) -> int:
        limits = self.context["county_limits"]
        return mentor_capacity(obj, county_limit=limits[obj.township.county_id])


class MentorInputSerializer(serializers.ModelSerializer):
    """Input for create and update. Whether the township is in the user's scope and the
    uniqueness rules are checked by the service, with Chinese messages."""

    class Meta:
        model = Mentor
        fields = MENTOR_FIELDS
        validators = []


# Pairings --------------------------------------------------------------------------------


class PairingSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    mentor_name = serializers.CharField(source="mentor.name", read_only=True)
    township = serializers.IntegerField(source="cadre.village.township_id", read_only=True)
    township_name = serializers.CharField(source="cadre.village.township.name", read_only=True)
    is_active = serializers.BooleanField(read_only=True, label=_("在帮"))

    class Meta:
        model = Pairing
        fields = (
            "id",
            "cadre",
            "cadre_name",
            "mentor",
            "mentor_name",
            "township",
            "township_name",
            "started_on",
            "planned_end_on",
            "goals",
            "ended_on",
            "end_reason",
            "is_active",
            "created_at",
            "updated_at",
        )


class PairingInputSerializer(serializers.Serializer):
    cadre = ScopedPrimaryKeyRelatedField(label=_("后备干部ID"), selector=cadre_list, queryset=Cadre.objects.none())
    mentor = ScopedPrimaryKeyRelatedField(
        label=_("导师ID"), selector=selectors.mentor_list, queryset=Mentor.objects.none()
    )
    started_on = serializers.DateField(label=_("结对时间"))
    planned_end_on = serializers.DateField(label=_("计划结束时间"), required=False, allow_null=True, default=None)
    goals = serializers.CharField(label=_("帮带目标"), required=False, allow_blank=True, default="")


class PairingEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(label=_("结束时间"))
    end_reason = serializers.CharField(label=_("结束原因"), required=False, allow_blank=True, default="")


# Mentoring logs --------------------------------------------------------------------------

# The model's validators give the bounds as floats; DRF wants Decimals for a DecimalField.
HOURS_KWARGS = {"min_value": Decimal("0.5"), "max_value": Decimal("24")}


class MentoringLogSerializer(serializers.ModelSerializer):
    cadre = serializers.IntegerField(source="pairing.cadre_id", read_only=True, label=_("后备干部ID"))
    cadre_name = serializers.CharField(source="pairing.cadre.name", read_only=True)
    mentor = serializers.IntegerField(source="pairing.mentor_id", read_only=True, label=_("导师ID"))
    mentor_name = serializers.CharField(source="pairing.mentor.name", read_only=True)
    township = serializers.IntegerField(source="pairing.cadre.village.township_id", read_only=True)
    township_name = serializers.CharField(source="pairing.cadre.village.township.name", read_only=True)
    form_display = serializers.CharField(source="get_form_display", read_only=True, label=_("帮带形式"))
    entered_by_display = serializers.CharField(source="get_entered_by_display", read_only=True, label=_("填报方"))
    created_by = serializers.CharField(source="created_by.username", read_only=True, label=_("录入人"))
    attachment = serializers.SerializerMethodField(label=_("附件"))

    class Meta:
        model = MentoringLog
        fields = (
            "id",
            "pairing",
            "cadre",
            "cadre_name",
            "mentor",
            "mentor_name",
            "township",
            "township_name",
            "date",
            "form",
            "form_display",
            "place",
            "content",
            "hours",
            "attachment",
            "entered_by",
            "entered_by_display",
            "created_by",
            "created_at",
            "updated_at",
        )
        extra_kwargs = {"hours": HOURS_KWARGS}

    def get_attachment(self, obj) -> str | None:
        """Attachments are personal records: served by a view that checks the caller's scope."""
        if not obj.attachment:
            return None
        url = reverse("mentoring-log-attachment", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class MentoringLogInputSerializer(serializers.ModelSerializer):
    """Input for a new log entry, as JSON or multipart (with an ``attachment`` file).
    ``entered_by`` defaults by the user's role (services.default_entered_by)."""

    pairing = ScopedPrimaryKeyRelatedField(
        label=_("结对ID"), selector=selectors.pairing_list, queryset=Pairing.objects.none()
    )

    class Meta:
        model = MentoringLog
        fields = ("pairing", *LOG_FIELDS)
        extra_kwargs = {"entered_by": {"required": False}, "hours": HOURS_KWARGS}
