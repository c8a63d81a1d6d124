"""Serializers of the training API: input serializers only parse (choices narrowed to the
caller's scope), training.services validates and saves; output serializers render."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cadre.models import Cadre, Tier
from cadre.selectors import cadre_list
from common.api import ScopedPrimaryKeyRelatedField
from org.models import Township
from org.selectors import township_list

from . import selectors
from .models import Attendance, AttendanceStatus, Kind, TrainingSession


def choice_field(choices: list[tuple[str, str]], **kwargs) -> serializers.ChoiceField:
    """A choice field whose schema lists its values inline rather than as a shared enum
    component: training's ``kind``, ``status`` and tiers share their names with other apps'
    different (or same) choice sets, which the schema generator would otherwise warn about."""
    schema = {
        "allOf": [{"type": "string", "enum": [value for value, _label in choices]}],
        "description": "；".join(f"{value}：{label}" for value, label in choices),
    }
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class TrainingSessionSerializer(serializers.ModelSerializer):
    kind = choice_field(Kind.choices, read_only=True, label=_("培训类型"))
    target_tiers = serializers.ListField(child=choice_field(Tier.choices), read_only=True, label=_("参训层级"))
    organizer_name = serializers.CharField(source="organizer.name", read_only=True, default=None)
    marked = serializers.IntegerField(read_only=True, label=_("已记录考勤人数（本辖区）"))
    present = serializers.IntegerField(read_only=True, label=_("出勤人数（本辖区）"))
    absent = serializers.IntegerField(read_only=True, label=_("缺勤人数（本辖区）"))
    leave = serializers.IntegerField(read_only=True, label=_("请假人数（本辖区）"))

    class Meta:
        model = TrainingSession
        fields = ("id", "county", "title", "level", "kind", "organizer", "organizer_name", "date", "hours", "place",
                  "lecturer", "target_townships", "target_tiers", "has_exam", "needs_deadline", "notes", "marked",
                  "present", "absent", "leave", "created_at", "updated_at")  # fmt: skip


class TrainingSessionInputSerializer(serializers.ModelSerializer):
    organizer = ScopedPrimaryKeyRelatedField(
        selector=township_list, queryset=Township.objects.none(), required=False, allow_null=True,
        label=_("举办乡镇ID（乡镇级培训）"),
    )  # fmt: skip
    target_townships = ScopedPrimaryKeyRelatedField(
        selector=township_list, queryset=Township.objects.none(), many=True, required=False,
        label=_("参训乡镇ID（不填为全县）"),
    )  # fmt: skip
    kind = choice_field(Kind.choices, required=False, label=_("培训类型"))
    target_tiers = serializers.ListField(
        child=choice_field(Tier.choices), required=False, label=_("参训层级（不填为全部）")
    )

    class Meta:
        model = TrainingSession
        fields = ("title", "level", "kind", "organizer", "date", "hours", "place", "lecturer", "target_townships",
                  "target_tiers", "has_exam", "needs_deadline", "notes")  # fmt: skip
        validators = []  # the rules are the service's


class AttendanceSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    township = serializers.IntegerField(source="cadre.village.township_id", read_only=True)
    township_name = serializers.CharField(source="cadre.village.township.name", read_only=True)
    village_name = serializers.CharField(source="cadre.village.name", read_only=True)
    session_date = serializers.DateField(source="session.date", read_only=True)
    hours = serializers.DecimalField(source="session.hours", max_digits=4, decimal_places=1, read_only=True)
    status = choice_field(AttendanceStatus.choices, read_only=True, label=_("出勤情况"))

    class Meta:
        model = Attendance
        fields = ("id", "session", "session_date", "hours", "cadre", "cadre_name", "township", "township_name",
                  "village_name", "status", "exam_score", "note", "recorded_by", "updated_at")  # fmt: skip


class AttendanceRowSerializer(serializers.Serializer):
    cadre = ScopedPrimaryKeyRelatedField(selector=cadre_list, queryset=Cadre.objects.none(), label=_("后备干部ID"))
    status = choice_field(AttendanceStatus.choices, label=_("出勤情况"))
    exam_score = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, label=_("考试成绩（出勤且有考试时）")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("备注"))


class AttendanceInputSerializer(AttendanceRowSerializer):
    """One reserve's attendance: ``session``, ``cadre``, ``status``, ``exam_score``, ``note``."""

    session = ScopedPrimaryKeyRelatedField(
        selector=selectors.session_visible, queryset=TrainingSession.objects.none(), label=_("培训班次ID")
    )


class AttendanceBulkSerializer(serializers.Serializer):
    """Many reserves of one session at once: ``{"session": id, "rows": [{cadre, status, ...}]}``."""

    session = ScopedPrimaryKeyRelatedField(
        selector=selectors.session_visible, queryset=TrainingSession.objects.none(), label=_("培训班次ID")
    )
    rows = AttendanceRowSerializer(many=True, allow_empty=False, label=_("各人考勤"))


class AttendancePatchSerializer(serializers.Serializer):
    status = choice_field(AttendanceStatus.choices, required=False, label=_("出勤情况"))
    exam_score = serializers.DecimalField(max_digits=4, decimal_places=1, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)
