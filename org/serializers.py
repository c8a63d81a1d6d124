from rest_framework import serializers

from .models import Seat, Township, Village


class TownshipSerializer(serializers.ModelSerializer):
    county_name = serializers.CharField(source="county.name", read_only=True)

    class Meta:
        model = Township
        fields = ("id", "name", "county", "county_name")


class VillageSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Village
        fields = ("id", "name", "township", "township_name")


class SeatSerializer(serializers.ModelSerializer):
    post_display = serializers.CharField(source="get_post_display", read_only=True)
    holder_name = serializers.CharField(source="holder", read_only=True, allow_null=True)
    holder_since = serializers.DateField(source="since", read_only=True, allow_null=True)
    is_vacant = serializers.BooleanField(read_only=True)

    class Meta:
        model = Seat
        fields = (
            "id",
            "village",
            "post",
            "post_display",
            "number",
            "holder_name",
            "holder_since",
            "is_vacant",
        )


class VillageDetailSerializer(VillageSerializer):
    seats = SeatSerializer(many=True, read_only=True)

    class Meta(VillageSerializer.Meta):
        fields = (*VillageSerializer.Meta.fields, "seats")
