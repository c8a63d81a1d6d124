"""Test factories, one module per app (``tests/factories/<app>.py``); a new app adds its
own module and re-exports its public names here, so ``from tests.factories import X``
works for every factory."""

from .accounts import PASSWORD, UserFactory, leader_user, township_user
from .assessment import AssignmentFactory, AssignmentKindFactory, DeedFactory, builtin_kind
from .cadre import CadreFactory, make_id_number
from .imports import ImportRecordFactory
from .mentorship import MentorFactory, MentoringLogFactory, PairingFactory
from .org import CountyFactory, TownshipFactory, VillageFactory
from .subsidies import SubsidyPolicyFactory, graded
from .training import AttendanceFactory, TrainingNeedFactory, TrainingSessionFactory

__all__ = [
    "PASSWORD",
    "AssignmentFactory",
    "AttendanceFactory",
    "AssignmentKindFactory",
    "DeedFactory",
    "CadreFactory",
    "CountyFactory",
    "ImportRecordFactory",
    "MentorFactory",
    "MentoringLogFactory",
    "PairingFactory",
    "SubsidyPolicyFactory",
    "TownshipFactory",
    "TrainingNeedFactory",
    "TrainingSessionFactory",
    "UserFactory",
    "VillageFactory",
    "builtin_kind",
    "graded",
    "leader_user",
    "make_id_number",
    "township_user",
]
