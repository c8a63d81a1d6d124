"""Loading the demo county (python manage.py load_demo): the builders, composed in order.

demo.cadre comes first: it plans the county and loads its townships, villages and users,
then the seat holders and the reserve cadres. Every other builder is a class in BUILDERS,
which loads in that order, and
- is made with the demo.cadre.CadreDemo once the units and users exist, and may load what
  needs no cadre right away (the mentoring policy and mentor pools, say);
- hears of each cadre that demo.cadre creates through ``cadre_created(cadre)``, while the
  cadre is still a reserve, before it moves along its lifecycle;
- returns its result from ``finish()`` once every cadre is loaded: an object with
  ``created_anything`` and ``summary()``, the sentence load_demo prints for it;
- says what the demo county holds through the static ``report()``.
A builder may import demo.cadre and the builders listed before it, never one after it;
no domain app imports demo. Adding a builder is writing its module and listing it here.
"""

from dataclasses import dataclass, field

from django.db import transaction

from demo import cadre
from demo.annual import AnnualAssessmentDemo
from demo.assessment import AssignmentDemo
from demo.mentorship import MentoringDemo
from demo.report import ReportDemo
from demo.subsidy import SubsidyDemo
from demo.training import TrainingDemo

BUILDERS = (MentoringDemo, AssignmentDemo, AnnualAssessmentDemo, TrainingDemo, SubsidyDemo, ReportDemo)


@dataclass
class DemoResult:
    cadres: cadre.CadreResult
    results: list = field(default_factory=list)  # each builder's, in the order of BUILDERS

    @property
    def created_anything(self) -> bool:
        return self.cadres.created_anything or any(r.created_anything for r in self.results)

    def summary(self) -> str:
        """What this run created, for load_demo."""
        return "；".join([self.cadres.summary(), *(r.summary() for r in self.results)])


@transaction.atomic
def demo_load() -> DemoResult:
    """Load the demo county, all or nothing; loading it again adds nothing."""
    cadres = cadre.load_units_and_users()
    builders = [builder(cadres) for builder in BUILDERS]
    result = DemoResult(cadres=cadre.load_cadres(cadres, listeners=builders))
    result.results = [builder.finish() for builder in builders]
    return result


def demo_report() -> list[str]:
    """What the demo county holds now, one line per builder, for load_demo."""
    return [cadre.report(), *(builder.report() for builder in BUILDERS)]
