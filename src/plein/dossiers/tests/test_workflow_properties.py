"""A property-based test: random sequences of workflow actions by random team members keep the invariants.

- every transition that happens is allowed by the channel's workflow for the actor's role;
- the timeline only grows (earlier events never change);
- deadlines are never recomputed backwards;
- nobody outside the team (other roles, an unassigned investigator, an excluded handler) can read the content.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from plein.core import roles as R
from plein.core.selectors import user_roles
from plein.dossiers import services, workflow
from plein.dossiers.models import Case, CaseEvent, Outcome, Stage
from plein.dossiers.tests.conftest import key_for
from plein.reports.models import ReportKey

pytestmark = pytest.mark.django_db

TEXTS = st.text(alphabet="abcdefghij klm", min_size=0, max_size=12)


def test_random_workflows_keep_the_invariants(team, submit, make_user):
    members = [team.ic, team.adviser, team.investigator, team.authority]
    outsiders = [make_user(role) for role in (R.HR, R.MANAGER, R.AUDITOR, R.FUNCTIONAL_ADMIN, R.EMPLOYEE)]

    class Workflow(RuleBasedStateMachine):
        @initialize()
        def new_report(self):
            self.report = submit(team.channel, "Geheime inhoud").report
            self.case = Case.objects.get(report=self.report)
            self.keys = {m.pk: key_for(self.report, m) for m in members}
            self.seen: list[tuple] = []
            self.feedback_due = None
            self.acknowledge_due = self.case.acknowledge_due
            self.excluded: set[int] = set()
            self.assigned_investigator = False

        def _fresh(self):
            self.case = Case.objects.select_related("report__channel").get(pk=self.case.pk)
            return self.case

        @rule(who=st.sampled_from(range(4)), to=st.sampled_from(Stage.values), why=TEXTS, extra=st.booleans())
        def move(self, who, to, why, extra):
            target = to
            actor = members[who]
            case = self._fresh()
            before = case.stage
            table = workflow.transitions_of(case.report.channel)
            allowed_roles = set(table.get(before, {}).get(target, []))
            try:
                services.transition(
                    case=case,
                    actor=actor,
                    report_key=self.keys[actor.pk],
                    to_stage=target,
                    why=why,
                    investigation="internal" if extra else "external",
                    external_agency="Bureau" if not extra else "",
                    referral="manager" if extra else "external_authority",
                )
            except ValidationError:
                assert self._fresh().stage == before
                return
            assert actor.pk not in self.excluded
            assert user_roles(actor) & allowed_roles, (before, target, user_roles(actor))
            assert target != workflow.ACKNOWLEDGEMENT_STAGE
            assert self._fresh().stage == target

        @rule(who=st.sampled_from(range(4)))
        def acknowledge(self, who):
            actor = members[who]
            try:
                services.send_acknowledgement_letter(
                    case=self._fresh(), actor=actor, report_key=self.keys[actor.pk], summary="s", next_steps="n"
                )
            except ValidationError:
                return
            assert user_roles(actor) & set(workflow.DEFAULT_TRANSITIONS[Stage.ONTVANGEN][Stage.ONTVANGSTBEVESTIGING])

        @rule(who=st.sampled_from(range(4)), days=st.integers(min_value=-30, max_value=120))
        def extend(self, who, days):
            actor = members[who]
            case = self._fresh()
            base = case.feedback_due or timezone.localdate()
            try:
                services.extend_feedback(
                    case=case,
                    actor=actor,
                    report_key=self.keys[actor.pk],
                    until=base + timedelta(days=days),
                    reason="r",
                )
            except ValidationError:
                return
            assert days > 0

        @rule(who=st.sampled_from(range(4)), outcome=st.sampled_from(Outcome.values))
        def decide(self, who, outcome):
            actor = members[who]
            try:
                services.record_decision(
                    case=self._fresh(),
                    actor=actor,
                    report_key=self.keys[actor.pk],
                    outcome=outcome,
                    measures="m",
                    decision_maker=team.authority,
                )
            except ValidationError:
                return
            assert self._fresh().stage == Stage.BESLUIT

        @rule(text=TEXTS)
        def note(self, text):
            try:
                services.add_note(case=self._fresh(), actor=team.ic, report_key=self.keys[team.ic.pk], text=text)
            except ValidationError:
                assert not text.strip()

        @rule(who=st.sampled_from([1, 3]))
        def exclude(self, who):
            user = members[who]
            try:
                services.exclude_handler(case=self._fresh(), actor=team.ic, user=user)
            except ValidationError:
                assert user.pk in self.excluded
                return
            self.excluded.add(user.pk)

        @rule()
        def assign_investigator(self):
            try:
                services.assign(
                    case=self._fresh(),
                    actor=team.ic,
                    report_key=self.keys[team.ic.pk],
                    user=team.investigator,
                    kind="investigator",
                )
            except ValidationError:
                return
            self.assigned_investigator = True

        @invariant()
        def timeline_only_grows(self):
            if not hasattr(self, "case"):
                return
            now = list(
                CaseEvent.objects.filter(case_id=self.case.pk)
                .order_by("created_at", "pk")
                .values_list("pk", "kind", "stage_from", "stage_to", "ciphertext")
            )
            now = [(pk, kind, a, b, bytes(ct)) for pk, kind, a, b, ct in now]
            assert now[: len(self.seen)] == self.seen
            assert len(now) >= len(self.seen)
            self.seen = now

        @invariant()
        def every_stage_event_is_an_allowed_transition(self):
            if not hasattr(self, "case"):
                return
            for event in CaseEvent.objects.filter(case_id=self.case.pk, kind=CaseEvent.Kind.STAGE):
                allowed = set(workflow.DEFAULT_TRANSITIONS[event.stage_from].get(event.stage_to, []))
                assert allowed & user_roles(event.actor)

        @invariant()
        def deadlines_never_move_backwards(self):
            if not hasattr(self, "case"):
                return
            case = self._fresh()
            assert case.acknowledge_due == self.acknowledge_due
            if self.feedback_due is not None:
                assert case.feedback_due is not None and case.feedback_due >= self.feedback_due
            self.feedback_due = case.feedback_due

        @invariant()
        def nobody_outside_the_team_reads(self):
            if not hasattr(self, "case"):
                return
            report = self.case.report
            for user in outsiders:
                assert not user.has_perm("dossiers.view_case", report)
                assert not ReportKey.objects.filter(report=report, user=user).exists()
            for pk in self.excluded:
                user = next(m for m in members if m.pk == pk)
                assert not user.has_perm("dossiers.view_case", report)
                assert not ReportKey.objects.filter(report=report, user=user).exists()
            if not self.assigned_investigator:
                assert not team.investigator.has_perm("dossiers.view_case", report)

    Workflow.TestCase.settings = settings(
        max_examples=8,
        stateful_step_count=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    Workflow.TestCase().runTest()
