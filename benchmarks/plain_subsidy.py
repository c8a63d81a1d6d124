"""The baseline for the subsidy report: the django-import-export export a Django developer
would write first.

A plain ModelResource over SubsidyLine with the report's columns (name, village, township,
masked ID number, days, base, bonus, total), the related names read through the ``__``
attribute paths, the ID number masked by a method field, exported to .xlsx with
``resource.export(queryset).export("xlsx")`` (tablib over openpyxl). The queryset selects
the related rows (one query), which is already kinder than the default; nothing else is
tuned: no title, no totals, no styling, no chart, no PDF.
"""

from import_export import fields, resources

from common.masking import mask_id_number
from subsidies.models import SubsidyLine


class PlainSubsidyLineResource(resources.ModelResource):
    name = fields.Field(attribute="cadre__name", column_name="姓名")
    village = fields.Field(attribute="village__name", column_name="村(社区)")
    township = fields.Field(attribute="township__name", column_name="乡镇(街道)")
    id_number = fields.Field(column_name="身份证号")
    days = fields.Field(attribute="days", column_name="享受天数")
    base = fields.Field(attribute="base", column_name="基本补贴（元）")
    bonus = fields.Field(attribute="bonus", column_name="绩效奖（元）")
    total = fields.Field(attribute="total", column_name="小计（元）")

    class Meta:
        model = SubsidyLine
        fields = ("name", "village", "township", "id_number", "days", "base", "bonus", "total")
        export_order = fields

    def dehydrate_id_number(self, line: SubsidyLine) -> str:
        return mask_id_number(line.cadre.id_number)


def plain_export(*, county_id: int, month, path: str) -> int:
    """Export the county's lines of the month to ``path``; returns the number of lines."""
    queryset = (
        SubsidyLine.objects.filter(sheet__county_id=county_id, sheet__month=month)
        .select_related("cadre", "village", "township")
        .order_by("township__name", "village__name", "cadre__name")
    )
    dataset = PlainSubsidyLineResource().export(queryset)
    with open(path, "wb") as handle:
        handle.write(dataset.export("xlsx"))
    return len(dataset)
