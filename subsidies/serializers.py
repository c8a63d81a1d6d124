"""Output serializers of the read-only subsidy API."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import SubsidyLine, SubsidySheet

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class SubsidySheetSerializer(serializers.ModelSerializer):
    """A month's sheet with the totals the caller may see (a township: its own)."""

    county_name = serializers.CharField(source="county.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    line_count = serializers.IntegerField(read_only=True, label=_("人数"))
    base_sum = serializers.DecimalField(**MONEY, label=_("基本补贴合计"))
    bonus_sum = serializers.DecimalField(**MONEY, label=_("绩效奖合计"))
    adjustment_sum = serializers.DecimalField(**MONEY, label=_("调整合计"))
    grand_total = serializers.DecimalField(**MONEY, label=_("合计"))

    class Meta:
        model = SubsidySheet
        fields = ("id", "county", "county_name", "month", "state", "state_display", "computed_at", "computed_by",
                  "reviewed_at", "reviewed_by", "locked_at", "locked_by", "line_count", "base_sum", "bonus_sum",
                  "adjustment_sum", "grand_total")  # fmt: skip


class TownshipTotalSerializer(serializers.Serializer):
    township = serializers.IntegerField(source="township_id", allow_null=True)
    township_name = serializers.CharField()
    count = serializers.IntegerField(label=_("人数"))
    base = serializers.DecimalField(**MONEY)
    bonus = serializers.DecimalField(**MONEY)
    adjustments = serializers.DecimalField(**MONEY)
    adjustment_count = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)


class SubsidySheetDetailSerializer(SubsidySheetSerializer):
    townships = TownshipTotalSerializer(many=True, read_only=True, source="totals.townships", label=_("各乡镇合计"))
    total = TownshipTotalSerializer(read_only=True, source="totals.county", label=_("合计（乡镇用户为本乡镇）"))

    class Meta(SubsidySheetSerializer.Meta):
        fields = (*SubsidySheetSerializer.Meta.fields, "townships", "total")


class SubsidyLineSerializer(serializers.ModelSerializer):
    month = serializers.DateField(read_only=True)
    cadre_name = serializers.CharField(read_only=True)
    masked_id_number = serializers.CharField(read_only=True, label=_("身份证号（脱敏）"))
    township_name = serializers.CharField(read_only=True)
    village_name = serializers.CharField(read_only=True)
    adjustments = serializers.DecimalField(**MONEY, label=_("调整"))
    payable = serializers.DecimalField(**MONEY, label=_("应发"))

    class Meta:
        model = SubsidyLine
        fields = ("id", "sheet", "month", "cadre", "cadre_name", "masked_id_number", "township", "township_name",
                  "village", "village_name", "days", "base", "bonus_grade", "bonus", "total", "adjustments",
                  "payable", "basis")  # fmt: skip
