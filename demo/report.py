"""Generated reports in the demo county (python manage.py load_demo): last month's training,
subsidy and summary reports for the county and for its first township (城关镇, whose
secretary signs in as town01), built through reports.services as a worker would build
them, so 报表中心 has files to open. Runs last, once training and subsidies are loaded, and
only while the county has no report yet.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from cadre.models import Cadre
from demo import cadre as cadre_demo
from mentorship.dates import add_months
from reports.models import ReportKind, ReportRun, RunStatus
from reports.services import report_build, report_request

TOWNSHIP = cadre_demo.TOWNSHIPS[0][0]


@dataclass
class ReportResult:
    reports: int = 0
    failed: int = 0

    @property
    def created_anything(self) -> bool:
        return bool(self.reports)

    def summary(self) -> str:
        """What this run created, for load_demo."""
        failed = f"（失败{self.failed}份）" if self.failed else ""
        return f"生成月度报表{self.reports}份{failed}"


class ReportDemo:
    """Builds last month's reports at the end (only when the county has no report yet)."""

    def __init__(self, cadres: cadre_demo.CadreDemo):
        self.admin = cadres.admin
        self.county = cadres.county
        self.township = cadres.townships[TOWNSHIP]
        self.load = not ReportRun.objects.filter(county=cadres.county).exists()
        self.result = ReportResult()

    def cadre_created(self, cadre: Cadre) -> None:
        pass

    def finish(self) -> ReportResult:
        if not self.load:
            return self.result
        month = add_months(timezone.localdate().replace(day=1), -1)
        for township_id in (None, self.township.pk):
            for kind in ReportKind.values:
                run = report_request(
                    kind=kind,
                    month=month,
                    county_id=self.county.pk,
                    township_id=township_id,
                    user=self.admin,
                    enqueue=False,  # built right here, as build_report does
                )
                report_build(run.pk)
                run.refresh_from_db()
                self.result.reports += 1
                self.result.failed += run.status != RunStatus.DONE
        return self.result

    @staticmethod
    def report() -> str:
        """What the demo county's report centre holds now, for load_demo."""
        runs = ReportRun.objects.filter(county__name=cadre_demo.DEMO_COUNTY)
        if not runs.exists():
            return "报表中心：暂无报表。"
        states = dict(runs.values_list("status").annotate(n=Count("pk")).order_by())
        shown = "、".join(f"{label}{states[value]}份" for value, label in RunStatus.choices if states.get(value))
        return f"报表中心：报表{sum(states.values())}份（{shown}）。"
