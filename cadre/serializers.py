from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from common.masking import mask_id_number, mask_phone

from .models import Cadre, Status
from .services import EDITABLE_FIELDS


class CadreSerializer(serializers.ModelSerializer):
    """Output. ID and phone numbers are masked except on the detail of a record the user
    may edit (the view sets ``full_numbers`` in the context)."""

    village_name = serializers.CharField(source="village.name", read_only=True)
    township = serializers.IntegerField(source="village.township_id", read_only=True)
    township_name = serializers.CharField(source="village.township.name", read_only=True)
    age = serializers.IntegerField(read_only=True)
    is_young = serializers.BooleanField(read_only=True, label=_("35岁以下"))
    is_college_educated = serializers.BooleanField(read_only=True, label=_("大专及以上"))
    id_number = serializers.SerializerMethodField(label=_("身份证号"))
    phone = serializers.SerializerMethodField(label=_("联系电话"))

    class Meta:
        model = Cadre
        fields = (
            "id",
            "name",
            "gender",
            "ethnicity",
            "id_number",
            "birth_date",
            "age",
            "is_young",
            "phone",
            "education",
            "is_college_educated",
            "political_status",
            "party_joined_on",
            "source",
            "tier",
            "township",
            "township_name",
            "village",
            "village_name",
            "current_job",
            "specialty",
            "notes",
            "status",
            "key_training_since",
            "seat",
            "seated_on",
            "left_on",
            "left_reason",
            "created_at",
            "updated_at",
        )

    def _full(self) -> bool:
        return self.context.get("full_numbers", False)

    def get_id_number(self, obj) -> str:
        return obj.id_number if self._full() else mask_id_number(obj.id_number)

    def get_phone(self, obj) -> str:
        return obj.phone if self._full() else mask_phone(obj.phone)


class CadreInputSerializer(serializers.ModelSerializer):
    """Input for create and update: parsed here, validated and saved by cadre.services."""

    class Meta:
        model = Cadre
        fields = tuple(f for f in EDITABLE_FIELDS if f != "photo")
        # Uniqueness and the ID-number rules are checked by the model in the service,
        # with messages in Chinese; the serializer only parses.
        extra_kwargs = {"id_number": {"validators": []}}


class StatusChangeSerializer(serializers.Serializer):
    to = serializers.ChoiceField(label=_("变更为"), choices=Status.choices)
    on = serializers.DateField(label=_("日期"))
    seat = serializers.IntegerField(label=_("两委职位ID"), required=False, allow_null=True)
    reason = serializers.CharField(label=_("退出原因"), required=False, allow_blank=True, default="")
