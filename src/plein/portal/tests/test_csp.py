"""The strict CSP applies everywhere outside the CMS; the CMS gets its own, narrower exception (ADR 0003)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def directives(response) -> dict[str, set[str]]:
    header = response["Content-Security-Policy"]
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = set(values)
    return out


def assert_strict(response):
    policy = directives(response)
    assert policy["default-src"] == {"'none'"}
    assert policy["script-src"] == {"'self'"}
    assert policy["style-src"] == {"'self'"}
    assert policy["frame-ancestors"] == {"'none'"}


def test_portal_pages_keep_the_strict_policy(client, portal, make_knowledge, make_poll, make_policy):
    page = make_knowledge()
    poll = make_poll()
    version = make_policy().versions.get()
    for url in [
        "/",
        page.url,
        portal.news_index.url,
        portal.document_index.url,
        "/zoeken/?q=regels",
        "/peilingen/",
        f"/peilingen/{poll.pk}/",
    ]:
        assert_strict(client.get(url))
    # Documents: Wagtail's own "nothing may run" policy.
    response = client.get(version.file.url)
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_the_cms_gets_its_own_policy_and_nothing_from_elsewhere(client, portal, editor_user):
    client.force_login(editor_user)
    response = client.get("/cms/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == {"'none'"}
    assert policy["script-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["style-src"] == {"'self'", "'unsafe-inline'"}
    assert policy["frame-ancestors"] == {"'self'"}
    assert policy["object-src"] == {"'none'"}
    assert policy["base-uri"] == {"'none'"}
    # No other origin anywhere, and no eval.
    values = " ".join(" ".join(v) for v in policy.values())
    assert not re.search(r"https?:", values)
    assert "'unsafe-eval'" not in values
    assert settings.CMS_CONTENT_SECURITY_POLICY["script-src"] == ["'self'", "'unsafe-inline'"]


def test_refusals_in_the_cms_prefix_keep_the_strict_policy(client, portal, employee_user):
    client.force_login(employee_user)
    response = client.get("/cms/")
    assert response.status_code == 403
    assert_strict(response)


def test_our_templates_have_no_inline_script_or_style():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)", text) or re.search(r"\sstyle=", text) or "<style" in text:
            offenders.append(str(path.relative_to(TEMPLATES)))
        if re.search(r"\son[a-z]+=", text):
            offenders.append(f"{path.relative_to(TEMPLATES)} (event handler attribute)")
    assert not offenders, offenders
