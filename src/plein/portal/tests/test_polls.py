"""Polls: one anonymous vote per employee, results after voting or after closing, nothing links a vote to a voter."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from plein.core import roles as R
from plein.portal import selectors, services
from plein.portal.models import Poll, PollOption, PollParticipation

pytestmark = pytest.mark.django_db


def test_one_vote_per_employee(make_poll, employee_user):
    poll = make_poll()
    yes = poll.options.get(label="Ja")
    employee = employee_user.employee
    services.vote(poll=poll, option_id=yes.pk, employee=employee)
    with pytest.raises(services.AlreadyVoted, match="already voted"):
        services.vote(poll=poll, option_id=poll.options.get(label="Nee").pk, employee=employee)
    assert list(poll.options.values_list("label", "votes")) == [("Ja", 1), ("Nee", 0), ("Weet ik niet", 0)]
    assert PollParticipation.objects.filter(poll=poll).count() == 1


def test_nothing_links_a_vote_to_the_voter(make_poll, make_user):
    poll = make_poll()
    voters = [make_user() for _ in range(3)]
    for user, label in zip(voters, ["Ja", "Nee", "Ja"], strict=True):
        services.vote(poll=poll, option_id=poll.options.get(label=label).pk, employee=user.employee)

    # The marker table has no choice, no time and no reference to a person; the tally has no voter.
    marker_columns = {f.column for f in PollParticipation._meta.concrete_fields}
    assert marker_columns == {"id", "poll_id", "voter_hash"}
    option_columns = {f.column for f in PollOption._meta.concrete_fields}
    assert option_columns == {"id", "poll_id", "label", "order", "votes"}
    # No sequence numbers: the markers' keys are random, so their order says nothing about who voted first.
    ids = list(PollParticipation.objects.values_list("id", flat=True))
    assert all(len(i) == 32 for i in ids) and len(set(ids)) == 3
    # A marker is the keyed hash of the employee id: without the poll's secret it cannot be recomputed ...
    poll.refresh_from_db()
    expected = {
        hmac.new(bytes(poll.secret), f"{poll.pk}:{u.employee.pk}".encode(), hashlib.sha256).hexdigest() for u in voters
    }
    assert set(PollParticipation.objects.values_list("voter_hash", flat=True)) == expected
    # ... and once the poll has ended the secret is wiped, after which nobody can.
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.wipe_ended_poll_secrets() == 1
    poll.refresh_from_db()
    assert bytes(poll.secret) == b""
    assert services.voter_hash(poll, voters[0].employee) is None
    # The tallies survive.
    assert dict(poll.options.values_list("label", "votes")) == {"Ja": 2, "Nee": 1, "Weet ik niet": 0}


def test_no_table_holds_both_a_person_and_a_choice():
    """Also at the database level: the portal's poll tables reference no account, no employee and no option."""
    with connection.cursor() as cursor:
        relations = connection.introspection.get_relations(cursor, PollParticipation._meta.db_table)
    targets = {table for _column, (_field, table) in relations.items()}
    assert targets == {Poll._meta.db_table}


def test_voting_only_while_open(make_poll, employee_user):
    now = timezone.now()
    later = make_poll("Later", opens=now + timedelta(days=1), closes=now + timedelta(days=2))
    with pytest.raises(ValidationError, match="not open yet"):
        services.vote(poll=later, option_id=later.options.first().pk, employee=employee_user.employee)
    ended = make_poll("Voorbij", opens=now - timedelta(days=3), closes=now + timedelta(days=1))
    services.close_poll(poll=ended, actor=employee_user)
    with pytest.raises(ValidationError, match="has closed"):
        services.vote(poll=ended, option_id=ended.options.first().pk, employee=employee_user.employee)
    open_poll = make_poll("Nu")
    other = make_poll("Ander")
    with pytest.raises(ValidationError, match="Choose one of the options"):
        services.vote(poll=open_poll, option_id=other.options.first().pk, employee=employee_user.employee)
    assert not PollParticipation.objects.exists()


def test_results_after_voting_or_after_closing(client, make_poll, make_user, employee_user):
    poll = make_poll()
    url = reverse("portal:poll_detail", kwargs={"pk": poll.pk})
    client.force_login(employee_user)
    page = client.get(url).content.decode()
    assert 'name="option"' in page and "Results:" not in page

    response = client.post(reverse("portal:poll_vote", kwargs={"pk": poll.pk}), {"option": poll.options.first().pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Results: 1 vote" in page and 'name="option"' not in page

    response = client.post(
        reverse("portal:poll_vote", kwargs={"pk": poll.pk}), {"option": poll.options.last().pk}, follow=True
    )
    assert "already voted" in response.content.decode()
    assert sum(poll.options.values_list("votes", flat=True)) == 1

    client.logout()
    assert "Results:" not in client.get(url).content.decode()  # still open: anonymous visitors see no results
    services.close_poll(poll=poll, actor=employee_user)
    assert "Results: 1 vote" in client.get(url).content.decode()


def test_vote_needs_a_login_and_an_employee(client, make_poll, make_user):
    poll = make_poll()
    url = reverse("portal:poll_vote", kwargs={"pk": poll.pk})
    response = client.post(url, {"option": poll.options.first().pk})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    from plein.core.tests.factories import RoleAssignmentFactory, UserFactory

    outsider = UserFactory()  # an account without an employee record
    RoleAssignmentFactory(user=outsider, role=R.AUDITOR, organisation=poll.organisation)
    client.force_login(outsider)
    assert client.post(url, {"option": poll.options.first().pk}).status_code == 403
    assert not PollParticipation.objects.exists()


def test_create_and_change_polls(organisation, ic_user):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.create_poll(
            organisation=organisation,
            actor=ic_user,
            question="?",
            options=["Alleen"],
            opens_at=now,
            closes_at=now + timedelta(days=1),
        )
    assert "options" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.create_poll(
            organisation=organisation,
            actor=ic_user,
            question="?",
            options=["A", "a"],
            opens_at=now,
            closes_at=now + timedelta(days=1),
        )
    assert "options" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.create_poll(
            organisation=organisation,
            actor=ic_user,
            question="?",
            options=["A", "B"],
            opens_at=now,
            closes_at=now - timedelta(days=1),
        )
    assert "closes_at" in error.value.error_dict

    poll = services.create_poll(
        organisation=organisation,
        actor=ic_user,
        question="Vraag",
        options=["A", "B"],
        opens_at=now + timedelta(days=1),
        closes_at=now + timedelta(days=8),
    )
    services.update_poll(
        poll=poll,
        actor=ic_user,
        question="Betere vraag",
        options=["A", "B", "C"],
        opens_at=poll.opens_at,
        closes_at=poll.closes_at,
    )
    assert list(poll.options.values_list("label", flat=True)) == ["A", "B", "C"]
    with pytest.raises(ValidationError, match="already opened"):
        services.update_poll(
            poll=poll,
            actor=ic_user,
            question="Nog een",
            options=["A", "B"],
            opens_at=poll.opens_at,
            closes_at=poll.closes_at,
            now=now + timedelta(days=2),
        )


def test_poll_management_pages(client, organisation, make_user):
    editor = make_user(R.EDITOR)
    client.force_login(editor)
    response = client.post(
        reverse("portal:poll_create"),
        {
            "question": "Ken je de vertrouwenspersonen?",
            "options": "Ja\nNee\n\n",
            "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert list(poll.options.values_list("label", flat=True)) == ["Ja", "Nee"]
    assert client.get(reverse("portal:poll_admin")).status_code == 200
    client.force_login(make_user())
    assert client.get(reverse("portal:poll_admin")).status_code == 403
    assert client.post(reverse("portal:poll_close", kwargs={"pk": poll.pk})).status_code == 403


def test_open_polls_and_voted_ids_in_a_fixed_number_of_queries(make_poll, employee_user):
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        user = type(employee_user).objects.get(pk=employee_user.pk)  # fresh caches
        with CaptureQueriesContext(connection) as queries:
            views = selectors.open_polls_for(polls[0].organisation, user)
        assert {v.poll.pk for v in views if v.voted} == {polls[1].pk}
        return len(queries)

    polls = [make_poll(f"Vraag {i}") for i in range(2)]
    services.vote(poll=polls[1], option_id=polls[1].options.first().pk, employee=employee_user.employee)
    small = count()
    make_poll("Vraag 3")
    assert count() == small
