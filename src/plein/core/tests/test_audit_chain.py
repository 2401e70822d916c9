import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from plein.core.models import AuditEvent, AuditHead
from plein.core.services.audit import record_event, verify_chain


@pytest.fixture
def chain(organisation, ic_user):
    return [
        record_event(actor=ic_user, action=f"test.action{i}", organisation=organisation, target=ic_user, data={"n": i})
        for i in range(5)
    ]


def test_intact_chain_verifies(chain):
    result = verify_chain()
    assert result.ok
    assert result.checked == 5
    call_command("verify_audit")


def test_edited_event_is_named(chain):
    AuditEvent.objects.filter(seq=3).update(action="test.tampered")
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 3
    with pytest.raises(CommandError, match="#3"):
        call_command("verify_audit")


def test_deleted_middle_event_is_named(chain):
    AuditEvent.objects.filter(seq=2).delete()
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 2


def test_deleted_tail_is_noticed(chain):
    AuditEvent.objects.filter(seq=5).delete()
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 5


def test_rehashed_forgery_still_breaks_the_next_link(chain):
    from plein.core.services.audit import compute_hash

    event = AuditEvent.objects.get(seq=2)
    event.data = {"n": 99}
    event.hash = compute_hash(event)
    AuditEvent.objects.filter(pk=event.pk).update(data=event.data, hash=event.hash)
    result = verify_chain()
    assert not result.ok
    assert result.first_bad_seq == 3


def test_head_tracks_last_event(chain):
    head = AuditHead.objects.get()
    assert head.seq == 5
    assert head.hash == chain[-1].hash
    assert chain[1].prev_hash == chain[0].hash
