from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.mixins import write_required
from imports.views import ImportUploadView, attachment

from .. import selectors
from ..filters import CadreFilter
from ..resources import CadreResource
from .service import ROSTER_IMPORTER
from .workbook import roster_export, roster_template


class RosterUploadView(ImportUploadView):
    template_name = "cadre/roster_upload.html"
    kind = ROSTER_IMPORTER.kind
    file_label = _("花名册文件")


@write_required
def roster_template_download(request):
    return attachment(roster_template(), "村级后备干部花名册模板.xlsx")


def roster_export_download(request):
    """The current filtered list, as the importer reads it back. Whoever may read the list
    may export it; for a read-only role (leaders) ID and phone numbers are masked."""
    cadres = CadreFilter(request.GET, queryset=selectors.cadre_list(user=request.user), request=request).qs
    dataset = CadreResource().export(queryset=cadres)
    content = roster_export(dataset, masked=not request.user.may_write)
    return attachment(content, f"后备干部花名册_{timezone.localdate():%Y%m%d}.xlsx")
