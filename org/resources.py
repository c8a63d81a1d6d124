"""django-import-export resource for the organization tree: the admin's import and
export of 县(区)/乡镇(街道)/村(社区) sheets, through the same service as import_units."""

from django.core.exceptions import ValidationError
from import_export import fields, resources
from import_export.results import Error, Result, RowResult

from .models import Village
from .services import UNIT_LABELS, units_import


class VillageResource(resources.ModelResource):
    county = fields.Field(attribute="township__county__name", column_name=UNIT_LABELS["county"])
    township = fields.Field(attribute="township__name", column_name=UNIT_LABELS["township"])
    village = fields.Field(attribute="name", column_name=UNIT_LABELS["village"])

    class Meta:
        model = Village
        fields = ("county", "township", "village")
        export_order = fields

    def get_queryset(self):
        return Village.objects.select_related("township__county").order_by(
            "township__county__name", "township__name", "name"
        )

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """All or nothing, idempotent: see org.services.units_import."""
        rows = [list(dataset.headers or []), *(list(row) for row in dataset)]
        result = Result()
        result.diff_headers = ["新增村(社区)", "已存在村(社区)"]
        try:
            counts = units_import(rows=rows, dry_run=dry_run)
        except ValidationError as exc:
            for message in exc.messages:
                result.append_base_error(Error(message))
            return result
        row_result = RowResult()
        row_result.import_type = RowResult.IMPORT_TYPE_NEW if counts["villages_created"] else RowResult.IMPORT_TYPE_SKIP
        row_result.diff = [counts["villages_created"], counts["villages_existing"]]
        result.append_row_result(row_result)
        result.increment_row_result_total(row_result)
        result.total_rows = counts["rows"]
        return result
