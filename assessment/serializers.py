"""Serializers of the assessment API: input serializers only parse (choices narrowed to the
caller's scope), assessment.services validates and saves; output serializers render."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cadre.models import Cadre
from cadre.selectors import cadre_list
from common.api import ScopedPrimaryKeyRelatedField
from org.models import Township
from org.selectors import township_list

from . import selectors
from .models import Assessment, AssessmentYear, Assignment, AssignmentKind, Grade, Indicator, Outcome
from .services import ASSIGNMENT_FIELDS


class AssignmentSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    township_name = serializers.CharField(source="cadre.village.township.name", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    too_short = serializers.BooleanField(read_only=True, label=_("短于该类岗位的最短天数"))

    class Meta:
        model = Assignment
        fields = ("id", "cadre", "cadre_name", "township_name", "kind", "kind_name", "role", "host_unit",
                  "started_on", "ended_on", "full_time", "hours", "evaluation", "notes", "too_short",
                  "created_at", "updated_at")  # fmt: skip


class AssignmentInputSerializer(serializers.ModelSerializer):
    cadre = ScopedPrimaryKeyRelatedField(selector=cadre_list, queryset=Cadre.objects.none(), label=_("后备干部ID"))
    kind = ScopedPrimaryKeyRelatedField(
        selector=selectors.kind_list, queryset=AssignmentKind.objects.none(), label=_("岗位类型ID")
    )

    class Meta:
        model = Assignment
        fields = ASSIGNMENT_FIELDS + ("cadre",)


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ("id", "name", "weight", "order")


class AssessmentYearSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = AssessmentYear
        fields = ("id", "county", "year", "deadline", "democratic_required", "excellent_share", "excellent_from",
                  "competent_from", "basic_from", "indicators")  # fmt: skip


class AssessmentSerializer(serializers.ModelSerializer):
    cadre_name = serializers.CharField(source="cadre.name", read_only=True)
    township = serializers.IntegerField(source="cadre.village.township_id", read_only=True)
    scores = serializers.SerializerMethodField(label=_("指标得分"))

    class Meta:
        model = Assessment
        fields = ("id", "year", "cadre", "cadre_name", "township", "scores", "total", "visible_merits",
                  "latent_merits", "voters", "votes_excellent", "votes_competent", "votes_basic",
                  "votes_incompetent", "grade", "outcome", "version", "updated_at")  # fmt: skip

    def get_scores(self, obj) -> dict[str, str]:
        return {str(s.indicator_id): str(s.score) for s in obj.scores.all()}


class AssessmentInputSerializer(serializers.Serializer):
    year = ScopedPrimaryKeyRelatedField(
        selector=selectors.year_list, queryset=AssessmentYear.objects.none(), label=_("考核年度ID")
    )
    cadre = ScopedPrimaryKeyRelatedField(selector=cadre_list, queryset=Cadre.objects.none(), label=_("后备干部ID"))
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True), required=False,
        label=_("指标得分（指标id: 得分）"),
    )  # fmt: skip
    visible_merits = serializers.CharField(required=False, allow_blank=True)
    latent_merits = serializers.CharField(required=False, allow_blank=True)
    voters = serializers.IntegerField(required=False, min_value=0)
    votes_excellent = serializers.IntegerField(required=False, min_value=0)
    votes_competent = serializers.IntegerField(required=False, min_value=0)
    votes_basic = serializers.IntegerField(required=False, min_value=0)
    votes_incompetent = serializers.IntegerField(required=False, min_value=0)
    grade = serializers.ChoiceField(choices=[("", "—"), *Grade.choices], required=False)
    outcome = serializers.ChoiceField(choices=[("", "—"), *Outcome.choices], required=False)
    version = serializers.IntegerField(required=False, label=_("所依据的版本（防止覆盖他人修改）"))

    def validate_scores(self, value):
        try:
            return {int(key): score for key, score in value.items()}
        except ValueError:
            raise serializers.ValidationError(_("指标id应为数字。")) from None


class SubmissionActionSerializer(serializers.Serializer):
    year = ScopedPrimaryKeyRelatedField(
        selector=selectors.year_list, queryset=AssessmentYear.objects.none(), label=_("考核年度ID")
    )
    township = ScopedPrimaryKeyRelatedField(
        selector=township_list, queryset=Township.objects.none(), label=_("乡镇(街道)ID")
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("原因（退回、重新打开时必填）")
    )
