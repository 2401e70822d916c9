import io
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from plein.core import roles as R
from plein.core.models import AuditEvent
from plein.reports import crypto
from plein.reports.models import OrganisationKey, ReportKey
from plein.reports.tests.conftest import PASSPHRASE


class _Stdin(io.StringIO):
    def isatty(self):
        return False


@pytest.mark.django_db
def test_setup_reporting_prints_the_key_once(organisation):
    out = io.StringIO()
    call_command("setup_reporting", "--organisation", organisation.slug, stdout=out)
    text = out.getvalue()
    key_line = next(line.strip() for line in text.splitlines() if line.startswith("    "))
    private = crypto.parse_recovery_key(key_line)
    assert crypto.public_key_of(private) == bytes(OrganisationKey.objects.get().recovery_public_key)
    with pytest.raises(CommandError):
        call_command("setup_reporting", "--organisation", organisation.slug, stdout=io.StringIO())


@pytest.mark.django_db
def test_setup_reporting_without_an_organisation():
    with pytest.raises(CommandError):
        call_command("setup_reporting", stdout=io.StringIO())


def _recover(channel, email, key_text):
    from plein.reports.management.commands.recover_access import Command

    command = Command(stdout=io.StringIO(), stderr=io.StringIO())
    command._stdin = _Stdin(key_text + "\n")
    call_command(command, "--channel", channel.code, "--handler", email, "--organisation", channel.organisation.slug)
    return command.stdout.getvalue()


@pytest.mark.django_db
def test_recover_access_reads_the_key_from_stdin_and_rewraps(reporting, channel, make_handler, submit):
    submit(channel)
    submit(channel)
    newcomer = make_handler(channel, role=R.INTEGRITY_COORDINATOR, confirm=False)
    out = _recover(channel, newcomer.email, reporting.recovery_text.lower())
    assert "2" in out
    assert ReportKey.objects.filter(user=newcomer).count() == 2
    event = AuditEvent.objects.get(action="reports.access_granted")
    assert event.actor is None and event.data["method"] == "recovery_key"


@pytest.mark.django_db
def test_recover_access_refuses_bad_input(reporting, channel, make_handler, make_user):
    newcomer = make_handler(channel, role=R.INTEGRITY_COORDINATOR, confirm=False)
    with pytest.raises(CommandError, match="not a valid recovery key"):
        _recover(channel, newcomer.email, "AAAA BBBB")
    other = crypto.format_recovery_key(crypto.generate_keypair()[1])
    with pytest.raises(CommandError):
        _recover(channel, newcomer.email, other)
    with pytest.raises(CommandError):
        _recover(channel, "niemand@example.org", reporting.recovery_text)
    outsider = make_user(R.CONFIDENTIAL_ADVISER)
    from plein.reports import services

    services.set_up_vault(user=outsider, passphrase=PASSPHRASE)
    with pytest.raises(CommandError):
        _recover(channel, outsider.email, reporting.recovery_text)  # not in the team
    from plein.reports.models import Channel

    with pytest.raises(CommandError):
        call_command("recover_access", "--channel", "bestaat-niet", "--handler", newcomer.email, stdout=io.StringIO())
    assert not ReportKey.objects.filter(kind="handler").exists()
    assert Channel.objects.count() == 1


def test_recover_access_takes_no_key_argument():
    result = subprocess.run(
        [sys.executable, "-m", "django", "help", "recover_access"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "plein.settings", "PLEIN_ENV": "test"},
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--key" not in result.stdout and "--recovery" not in result.stdout
    assert "standard input" in result.stdout
