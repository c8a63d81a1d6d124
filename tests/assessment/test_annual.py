"""The annual assessment: the county's year and indicators, the township's grid saved as
drafts, the checks on submitting, and the county's review as a state machine."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from assessment.models import Assessment, AssessmentYear, Grade, Outcome, SubmissionState
from assessment.selectors import grid_rows, review_table
from assessment.services import (
    assessment_save,
    grid_save,
    indicators_set,
    submission_review,
    submission_submit,
    year_open,
)
from tests.factories import AssignmentFactory, CadreFactory, make_id_number

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def year(county_user, county):
    return year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": D(2026, 12, 20)})


def full(year, score=80, *, grade=Grade.COMPETENT, voters=20, outcome=Outcome.STAY, **extra):
    return {
        "scores": {i.pk: Decimal(score) for i in year.indicators.all()},
        "voters": voters, "votes_excellent": 5, "votes_competent": 12, "votes_basic": 3, "votes_incompetent": 0,
        "grade": grade, "outcome": outcome, **extra,
    }  # fmt: skip


class TestYear:
    def test_a_year_opens_with_the_eight_default_indicators_weighing_100(self, year):
        assert [(i.name, i.weight) for i in year.indicators.all()][:2] == [("政治素质", 15), ("工作实绩", 20)]
        assert year.indicators.count() == 8 and sum(i.weight for i in year.indicators.all()) == 100

    def test_weights_must_sum_to_100(self, county_user, year):
        with pytest.raises(ValidationError) as exc:
            indicators_set(user=county_user, year=year, weights=[("政治素质", 50), ("工作实绩", 40)])
        assert exc.value.messages == ["各项指标权重之和应为100，现为90。"]

    def test_one_year_per_county_and_only_county_staff_open_it(self, county_user, township_secretary, county, year):
        with pytest.raises(ValidationError):
            year_open(user=county_user, county_id=county.pk, year=2026, data={"deadline": D(2026, 12, 20)})
        with pytest.raises(PermissionDenied):
            year_open(user=township_secretary, county_id=county.pk, year=2027, data={"deadline": D(2027, 12, 20)})
        with pytest.raises(IntegrityError), transaction.atomic():
            AssessmentYear.objects.create(county=county, year=2026, deadline=D(2026, 12, 1))

    def test_bands_suggest_a_grade_and_the_quota_rounds_down(self, year):
        assert [year.suggest_grade(Decimal(t)) for t in (95, 90, 80, 60, 59.9)] == [
            Grade.EXCELLENT, Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT,
        ]  # fmt: skip
        assert [year.excellent_quota(n) for n in (4, 5, 9, 10, 14)] == [0, 1, 1, 2, 2]


class TestGrid:
    def test_a_row_saves_as_a_draft_with_the_weighted_total(self, township_secretary, year, cadre):
        scores = dict(zip(year.indicators.values_list("pk", flat=True), (90, 80, 70, 60, 100, 90, 80, 70), strict=True))
        assessment = assessment_save(
            user=township_secretary, year=year, cadre=cadre, data={**full(year), "scores": scores}
        )
        # 90*.15 + 80*.20 + 70*.15 + 60*.15 + 100*.10 + 90*.10 + 80*.10 + 70*.05
        assert assessment.total == Decimal("79.50")
        (row,) = grid_rows(year=year, township=cadre.village.township)
        assert row.suggested_grade == Grade.COMPETENT and row.scores[year.indicators.first().pk] == 90

    def test_a_partly_scored_row_keeps_its_scores_and_has_no_total(self, township_secretary, year, cadre):
        first = year.indicators.first()
        assessment = assessment_save(user=township_secretary, year=year, cadre=cadre, data={"scores": {first.pk: 88}})
        assert assessment.total is None and assessment.scores.get().score == 88

    def test_tallies_cannot_exceed_the_voters(self, township_secretary, year, cadre):
        with pytest.raises(ValidationError) as exc:
            assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year, voters=19))
        assert exc.value.message_dict == {"voters": ["各档票数之和（20）超过参加测评人数（19）。"]}
        assert not Assessment.objects.exists()

    def test_the_database_keeps_one_assessment_per_reserve_and_year(self, township_secretary, year, cadre):
        assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year))
        with pytest.raises(IntegrityError), transaction.atomic():
            Assessment.objects.create(year=year, cadre=cadre, updated_by=township_secretary)

    def test_saving_all_at_once_keeps_the_good_rows_and_reports_the_bad(self, township_secretary, year, village):
        good, bad = CadreFactory(village=village), CadreFactory(village=village, id_number=make_id_number(seq=202))
        errors = grid_save(user=township_secretary, year=year, rows={good: full(year), bad: full(year, voters=1)})
        assert list(errors) == [bad.pk]
        assert list(Assessment.objects.values_list("cadre_id", flat=True)) == [good.pk]

    def test_only_the_own_township(self, township_secretary, year, other_cadre):
        with pytest.raises(PermissionDenied):
            assessment_save(user=township_secretary, year=year, cadre=other_cadre, data=full(year))

    def test_the_evidence_beside_each_reserve(self, county_user, year, cadre):
        AssignmentFactory(cadre=cadre, started_on=D(2026, 3, 1), ended_on=D(2026, 4, 1), created_by=county_user)
        AssignmentFactory(cadre=cadre, started_on=D(2025, 3, 1), ended_on=D(2025, 4, 1), created_by=county_user)
        (row,) = grid_rows(year=year, township=cadre.village.township)
        assert (row.assignments, row.logs, row.assessment) == (1, 0, None)


class TestWorkflow:
    def test_submitting_checks_every_reserve_the_quota_and_the_tallies(self, township_secretary, year, village):
        people = [CadreFactory(village=village, name=f"人{i}", id_number=make_id_number(seq=300 + i)) for i in range(5)]
        with pytest.raises(ValidationError) as exc:
            submission_submit(user=township_secretary, year=year, township_id=village.township_id)
        assert "还有5名后备干部未评完" in exc.value.messages[0]
        rows = {p: full(year, 95, grade=Grade.EXCELLENT) for p in people[:2]}
        rows |= {p: full(year, voters=0, votes_excellent=0, votes_competent=0, votes_basic=0) for p in people[2:]}
        assert grid_save(user=township_secretary, year=year, rows=rows) == {}
        with pytest.raises(ValidationError) as exc:
            submission_submit(user=township_secretary, year=year, township_id=village.township_id)
        assert exc.value.messages == [
            "评为优秀的有2人，超过本乡镇名额1人（在册后备干部5名的20%，向下取整）。",
            "以下人员未填写民主测评：人2、人3、人4。",
        ]

    def test_submit_approve_freeze_reopen_return(self, township_secretary, county_user, year, cadre):
        assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year))
        submission = submission_submit(user=township_secretary, year=year, township_id=cadre.village.township_id)
        assert submission.state == SubmissionState.SUBMITTED
        with pytest.raises(ValidationError, match="已上报"):
            assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year, 70))
        with pytest.raises(PermissionDenied):
            submission_review(user=township_secretary, submission=submission, action="approve")
        submission = submission_review(user=county_user, submission=submission, action="approve")
        with pytest.raises(ValidationError, match="已审定"):
            assessment_save(user=county_user, year=year, cadre=cadre, data=full(year, 70))
        with pytest.raises(ValidationError) as exc:
            submission_review(user=county_user, submission=submission, action="reopen", reason=" ")
        assert exc.value.message_dict == {"reason": ["请填写原因。"]}
        submission = submission_review(
            user=county_user, submission=submission, action="reopen", reason="群众认可分有误"
        )
        assert (submission.state, submission.reason) == (SubmissionState.RETURNED, "群众认可分有误")
        assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year, 70))  # editable again
        assert [(e.action, e.from_state, e.to_state, e.reason) for e in submission.events.all()] == [
            ("submit", "draft", "submitted", ""),
            ("approve", "submitted", "approved", ""),
            ("reopen", "approved", "returned", "群众认可分有误"),
        ]

    def test_a_transition_the_table_does_not_have_is_refused(self, township_secretary, county_user, year, cadre):
        assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year))
        submission = submission_submit(user=township_secretary, year=year, township_id=cadre.village.township_id)
        with pytest.raises(ValidationError, match="当前状态为“已上报”，不能执行此操作。"):
            submission_review(user=county_user, submission=submission, action="reopen", reason="x")

    def test_the_review_table(self, township_secretary, county_user, year, cadre, other_cadre):
        assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year, 95, grade=Grade.EXCELLENT))
        rows = {r["township"].name: r for r in review_table(user=county_user, year=year)}
        assert (rows["白水镇"]["assessed"], rows["白水镇"]["excellent"], rows["白水镇"]["submission"].state) == (
            1, 1, SubmissionState.DRAFT,
        )  # fmt: skip
        assert rows["龙山乡"]["submission"] is None  # 未开始


def test_blank_rows_of_the_grid_are_not_saved(township_secretary, year, village, cadre):
    blank = CadreFactory(village=village, name="王芳", id_number=make_id_number(seq=202))
    empty = {"scores": {i.pk: None for i in year.indicators.all()}, "voters": 0, "grade": "", "outcome": ""}
    assert grid_save(user=township_secretary, year=year, rows={cadre: full(year), blank: empty}) == {}
    assert list(Assessment.objects.values_list("cadre__name", flat=True)) == ["李明"]


class TestOutcomes:
    def test_approval_applies_the_outcomes_in_its_transaction(self, township_secretary, county_user, year, village):
        from cadre.models import Status
        from mentorship.models import Pairing
        from tests.factories import PairingFactory

        advance = CadreFactory(village=village, name="进一", id_number=make_id_number(seq=401))
        leave = CadreFactory(village=village, name="退一", id_number=make_id_number(seq=402))
        stay = CadreFactory(village=village, name="留一", id_number=make_id_number(seq=403))
        pairing = PairingFactory(cadre=leave)
        rows = {advance: full(year, outcome=Outcome.ADVANCE), leave: full(year, 55, grade=Grade.INCOMPETENT,
                outcome=Outcome.EXIT), stay: full(year)}  # fmt: skip
        assert grid_save(user=township_secretary, year=year, rows=rows) == {}
        submission = submission_submit(user=township_secretary, year=year, township_id=village.township_id)
        submission_review(user=county_user, submission=submission, action="approve")
        for cadre in (advance, leave, stay):
            cadre.refresh_from_db()
        assert (advance.status, leave.status, stay.status) == (Status.KEY_TRAINING, Status.LEFT, Status.RESERVE)
        assert leave.left_reason == "2026年度考核：考核等次不称职，退出后备干部队伍"
        assert not Pairing.objects.get(pk=pairing.pk).is_active  # the cadre app's lifecycle rules apply

    def test_one_refused_outcome_rolls_the_whole_approval_back(self, township_secretary, county_user, year, village):
        from cadre.models import Status
        from cadre.services import cadre_change_status

        advance = CadreFactory(village=village, name="进一", id_number=make_id_number(seq=401))
        leave = CadreFactory(village=village, name="退一", id_number=make_id_number(seq=402))
        rows = {advance: full(year, outcome=Outcome.ADVANCE), leave: full(year, outcome=Outcome.EXIT)}
        grid_save(user=township_secretary, year=year, rows=rows)
        submission = submission_submit(user=township_secretary, year=year, township_id=village.township_id)
        cadre_change_status(user=county_user, cadre=leave, to=Status.LEFT, on=D(2026, 11, 1), reason="外出务工")
        with pytest.raises(ValidationError) as exc:
            submission_review(user=county_user, submission=submission, action="approve")
        assert exc.value.messages == ["退一：不能从“已退出”变更为“已退出”。本乡镇未审定，请核实后再审定。"]
        advance.refresh_from_db()
        submission.refresh_from_db()
        assert advance.status == Status.RESERVE and submission.state == SubmissionState.SUBMITTED
        assert not submission.events.filter(action="approve").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_saving_one_assessment_the_second_is_refused(township_secretary, county_user, year, cadre):
    """Both load version 1; the first save wins, the second names who changed it."""
    import threading

    from django.db import connection

    first = assessment_save(user=township_secretary, year=year, cadre=cadre, data=full(year))
    barrier, results = threading.Barrier(2), {}

    def save(user, score):
        try:
            barrier.wait()
            assessment_save(user=user, year=year, cadre=cadre, data=full(year, score, version=first.version))
            results[user.username] = "ok"
        except ValidationError as exc:
            results[user.username] = exc.messages[0]
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in ((township_secretary, 70), (county_user, 60))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results.values(), key=len)[0] == "ok"
    loser = next(name for name, result in results.items() if result != "ok")
    winner = township_secretary if loser == county_user.username else county_user
    assert f"李明的考核已被{winner}于" in results[loser] and "修改，请刷新页面后再填写。" in results[loser]
    assert Assessment.objects.get().version == 2


@pytest.mark.parametrize(("reserves", "quota"), [(7, 1), (5, 1), (4, 0), (0, 0), (10, 2)])
def test_the_quota_at_its_edges(year, reserves, quota):
    assert year.excellent_quota(reserves) == quota


# (state, role, action) → allowed: every cell of the workflow, refused in the service.
ALLOWED = {
    ("draft", "township", "submit"), ("returned", "township", "submit"),
    ("draft", "county", "submit"), ("returned", "county", "submit"),
    ("submitted", "county", "approve"), ("submitted", "county", "return"), ("approved", "county", "reopen"),
}  # fmt: skip


@pytest.mark.parametrize("state", ["draft", "submitted", "returned", "approved"])
@pytest.mark.parametrize("role", ["township", "county", "leader"])
@pytest.mark.parametrize("action", ["submit", "approve", "return", "reopen"])
def test_the_workflow_table(township_secretary, county_user, leader, year, cadre, state, role, action):
    from assessment.models import Submission

    assessment_save(user=county_user, year=year, cadre=cadre, data=full(year))
    submission = Submission.objects.get()
    Submission.objects.filter(pk=submission.pk).update(state=state)
    submission.refresh_from_db()
    user = {"township": township_secretary, "county": county_user, "leader": leader}[role]

    def act():
        if action == "submit":
            return submission_submit(user=user, year=year, township_id=cadre.village.township_id)
        return submission_review(user=user, submission=submission, action=action, reason="原因")

    if (state, role, action) in ALLOWED:
        assert act().state != state
    else:
        with pytest.raises((ValidationError, PermissionDenied)):
            act()
        submission.refresh_from_db()
        assert submission.state == state


def test_a_total_with_more_places_than_it_keeps_is_rounded_once(township_secretary, year, cadre):
    scores = dict.fromkeys(year.indicators.values_list("pk", flat=True), Decimal("85.5"))
    scores[year.indicators.get(name="政治素质").pk] = Decimal("85.4")  # weight 15
    assessment = assessment_save(user=township_secretary, year=year, cadre=cadre, data={"scores": scores})
    # (85.5 × 85 + 85.4 × 15) / 100 = 85.485: half up to the two places kept
    assert assessment.total == Decimal("85.49")


def test_the_county_names_the_seat_an_advanced_reserve_enters(township_secretary, county_user, year, village, cadre):
    from assessment.services import assessment_set_seat
    from cadre.models import Status
    from org.models import Seat, SeatPost

    seat = village.seats.get(post=SeatPost.DIRECTOR)
    assessment = assessment_save(
        user=township_secretary, year=year, cadre=cadre, data=full(year, outcome=Outcome.ADVANCE)
    )
    submission = submission_submit(user=township_secretary, year=year, township_id=village.township_id)
    with pytest.raises(PermissionDenied):
        assessment_set_seat(user=township_secretary, assessment=assessment, seat=seat)
    outsider = village.seats.get(post=SeatPost.SECRETARY)
    Seat.objects.filter(pk=outsider.pk).update(holder_name="周建国", holder_since=D(2021, 1, 1))
    with pytest.raises(ValidationError, match="请选择枫树村的空缺职位"):
        assessment_set_seat(user=county_user, assessment=assessment, seat=outsider)
    assessment_set_seat(user=county_user, assessment=assessment, seat=seat)
    submission_review(user=county_user, submission=submission, action="approve")
    cadre.refresh_from_db()
    assert (cadre.status, cadre.seat) == (Status.SEATED, seat)


def test_overdue_mentoring_shows_beside_the_reserve(county_user, year, cadre, village):
    from mentorship.services import policy_update
    from tests.factories import PairingFactory

    policy_update(user=county_user, county_id=village.township.county_id, mentee_limit=1, requirements={"talk": 3})
    PairingFactory(cadre=cadre, started_on=D(2025, 1, 1))  # no talk since: overdue
    (row,) = grid_rows(year=year, township=village.township)
    assert row.overdue


def test_saving_the_grid_costs_a_fixed_number_of_queries_per_row(township_secretary, year, village):
    """The checks (who may write, the township still editable, the indicators) run once per
    save; each row costs its savepoint, its own row, history and one upsert of its scores."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    people = [CadreFactory(village=village, name=f"人{i}", id_number=make_id_number(seq=500 + i)) for i in range(26)]
    grid_save(user=township_secretary, year=year, rows={people[0]: full(year)})  # the township's draft exists
    counts = []
    for batch in (people[1:6], people[6:]):
        with CaptureQueriesContext(connection) as queries:
            assert grid_save(user=township_secretary, year=year, rows={p: full(year) for p in batch}) == {}
        counts.append(len(queries))
    assert (counts[1] - counts[0]) == 15 * 11  # 20 rows against 5: eleven queries a row, nothing more
