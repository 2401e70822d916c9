"""Fixtures of the portal's tests: the Wagtail set-up, pages, policy documents and polls."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from wagtail.documents import get_document_model

from plein.core import roles as R
from plein.portal import services
from plein.portal.models import KnowledgePage, NewsPage, PolicyDocument


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english():
    """The tests assert the English source texts, so they run in English: a Dutch catalogue (ours, or another app's
    with the same msgid) must not change what they see. The demo's content stays Dutch, and so does the CMS."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def portal(db):
    """The portal as ``./plein setup_portal`` leaves it: home page, overviews, groups, workflow."""
    return services.ensure_portal_setup()


@pytest.fixture
def make_news(portal):
    def make(title="Nieuwsbericht", *, day=None, intro="Kort nieuws over integriteit.", body=None, live=True):
        page = NewsPage(
            title=title,
            date=day or timezone.localdate(),
            intro=intro,
            body=body or [("paragraph", "<p>Meer informatie over dit bericht.</p>")],
        )
        portal.news_index.add_child(instance=page)
        if live:
            page.save_revision().publish()
        else:
            page.live = False
            page.save_revision()
            page.save()
        return page

    return make


@pytest.fixture
def make_knowledge(portal):
    def make(title="Geschenken", *, parent=None, intro="Wat mag je aannemen?", body=None):
        page = KnowledgePage(
            title=title,
            intro=intro,
            body=body
            or [
                ("heading", "Wat zijn de regels?"),
                ("paragraph", "<p>Geschenken tot 50 euro mag je melden en houden.</p>"),
            ],
            show_in_menus=True,
        )
        (parent or portal.home).add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def editor_user(make_user):
    return make_user(R.EDITOR)


@pytest.fixture
def make_document():
    def make(title="Gedragscode.pdf", content=b"%PDF-1.4\n%%EOF\n"):
        Document = get_document_model()
        document = Document(title=title, collection=services.documents_collection())
        document.file.save(title, ContentFile(content), save=False)
        document.save()
        return document

    return make


@pytest.fixture
def make_policy(organisation, ic_user, make_document):
    """make_policy(title, versions=[(version, status, adopted_on, review_on)])."""

    def make(title="Gedragscode Ambtelijke Integriteit", kind=PolicyDocument.Kind.CODE_OF_CONDUCT, versions=None):
        document = services.create_policy_document(organisation=organisation, actor=ic_user, title=title, kind=kind)
        for version, status, adopted_on, review_on in versions or [
            ("2019", "geldend", date(2019, 6, 1), date(2023, 6, 1))
        ]:
            services.add_policy_version(
                document=document,
                actor=ic_user,
                version=version,
                status=status,
                adopted_on=adopted_on,
                adopted_by="Gedeputeerde Staten",
                review_on=review_on,
                file=make_document(f"{title} {version}.pdf"),
            )
        return document

    return make


@pytest.fixture
def make_poll(organisation, ic_user):
    def make(
        question="Weet je bij wie je terecht kunt?", options=("Ja", "Nee", "Weet ik niet"), *, opens=None, closes=None
    ):
        now = timezone.now()
        return services.create_poll(
            organisation=organisation,
            actor=ic_user,
            question=question,
            options=list(options),
            opens_at=opens or now - timedelta(days=1),
            closes_at=closes or now + timedelta(days=7),
            now=now - timedelta(days=30),
        )

    return make
