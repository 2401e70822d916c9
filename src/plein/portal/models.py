"""The portal: editorial pages (Wagtail), codes of conduct and policy documents with acknowledgements, and polls.

Pages hold no personal data and are readable without logging in (see docs/portal.md). Acknowledgements are personal
(who confirmed which version, when) and only their counts per unit leave the register. Polls are anonymous by
construction: see ``Poll`` below and docs/portal.md, "Polls".
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from plein.core.models import Employee, Organisation
from plein.portal.blocks import RICH_TEXT_FEATURES, ContentBlock, HomeSectionsBlock

# --- Editorial pages ------------------------------------------------------------------------------------------------


class HomePage(Page):
    """The portal's front page at the site root. Its sections are a stream the editors arrange."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    sections = StreamField(HomeSectionsBlock(), verbose_name=_("sections"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("sections")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["portal.KnowledgePage", "portal.NewsIndexPage", "portal.DocumentIndexPage"]
    max_count = 1
    template = "portal/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from plein.portal.selectors import home_context

        context = super().get_context(request, *args, **kwargs)
        context.update(home_context(request, page=self))
        return context


class KnowledgePage(Page):
    """Information about integrity: the oath, outside activities, gifts, reporting, moral deliberation..."""

    intro = models.TextField(_("introduction"), blank=True, help_text=_("One or two sentences in plain language."))
    body = StreamField(ContentBlock(), verbose_name=_("content"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["portal.HomePage", "portal.KnowledgePage"]
    subpage_types = ["portal.KnowledgePage"]
    template = "portal/knowledge_page.html"

    class Meta:
        verbose_name = _("knowledge page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subpages"] = list(self.get_children().live().public().order_by("path"))
        return context


class NewsIndexPage(Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsPage"]
    max_count = 1
    template = "portal/news_index_page.html"

    class Meta:
        verbose_name = _("news overview")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        from plein.portal.selectors import news_items

        context = super().get_context(request, *args, **kwargs)
        context["news_page"] = Paginator(news_items(parent=self), 10).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), help_text=_("Shown in the news overview and on the home page."))
    body = StreamField(ContentBlock(), verbose_name=_("content"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "portal/news_page.html"

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")


class DocumentIndexPage(Page):
    """The public list of codes of conduct, the integrity plan, policy and regulations, with their versions."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(ContentBlock(), verbose_name=_("more documents and explanation"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "portal/document_index_page.html"

    class Meta:
        verbose_name = _("documents overview")

    def get_context(self, request, *args, **kwargs):
        from plein.portal.selectors import public_policy_documents

        context = super().get_context(request, *args, **kwargs)
        context["groups"] = public_policy_documents(getattr(request, "organisation", None))
        return context


@register_setting(icon="cog")
class PortalSettings(BaseGenericSetting):
    """Texts of the home page that editors keep up to date without touching a page."""

    reporting_intro = models.TextField(
        _("text above the reporting channels"),
        blank=True,
        default=_(
            "Do you suspect a wrongdoing? Report it safely: with your name, confidentially or anonymously. "
            "Not sure yet? Talk to a confidential adviser or the integrity coordinator first."
        ),
    )
    consultation_intro = models.TextField(
        _("text about asking for advice"),
        blank=True,
        default=_("You can always ask for advice in confidence, without reporting anything."),
    )
    dilemma_title = models.CharField(
        _("dilemma of the month: title"),
        max_length=200,
        blank=True,
        help_text=_("Used when the moral deliberation case library has no dilemma of the month."),
    )
    dilemma_text = models.TextField(_("dilemma of the month: text"), blank=True)
    dilemma_question = models.CharField(_("dilemma of the month: question"), max_length=300, blank=True)

    panels = [
        MultiFieldPanel([FieldPanel("reporting_intro"), FieldPanel("consultation_intro")], heading=_("Reporting")),
        MultiFieldPanel(
            [FieldPanel("dilemma_title"), FieldPanel("dilemma_text"), FieldPanel("dilemma_question")],
            heading=_("Dilemma of the month"),
        ),
    ]

    class Meta:
        verbose_name = _("portal texts")


# --- Codes of conduct and policy documents --------------------------------------------------------------------------


class PolicyDocument(models.Model):
    """A code of conduct, the integrity plan, a policy or a regulation. Its content lives in its versions."""

    class Kind(models.TextChoices):
        CODE_OF_CONDUCT = "gedragscode", _("Code of conduct")
        INTEGRITY_PLAN = "integriteitsplan", _("Integrity plan")
        POLICY = "beleid", _("Policy")
        REGULATION = "regeling", _("Regulation")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="policy_documents")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(_("what it is about"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="unique_policy_document_title"),
        ]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One version of a policy document. At most one version of a document is in force at a time."""

    class Status(models.TextChoices):
        DRAFT = "concept", _("Draft")
        IN_FORCE = "geldend", _("In force")
        SUPERSEDED = "vervallen", _("Replaced by a newer version")
        WITHDRAWN = "ingetrokken", _("Withdrawn")

    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(_("version"), max_length=30, help_text=_("For example 2019, 1.0 or 2.1."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_by = models.CharField(
        _("adopted by"), max_length=200, blank=True, help_text=_("For example Gedeputeerde Staten or the directorate.")
    )
    review_on = models.DateField(
        _("review by"), null=True, blank=True, help_text=_("When this version must be reviewed at the latest.")
    )
    file = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("file"),
    )
    notes = models.TextField(_("what changed"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("policy document version")
        verbose_name_plural = _("policy document versions")
        ordering = ["document", "-adopted_on", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["document", "version"], name="unique_policy_version"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="geldend"), name="one_policy_version_in_force"
            ),
            models.CheckConstraint(
                condition=Q(status="concept") | Q(adopted_on__isnull=False), name="policy_version_adopted_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document.title} ({self.version})"

    def review_overdue(self, today=None) -> bool:
        """A version in force whose review date has come."""
        today = today or timezone.localdate()
        return self.status == self.Status.IN_FORCE and self.review_on is not None and self.review_on <= today


class AcknowledgementCampaign(models.Model):
    """The integrity coordinator asks every employee to confirm they have read a version."""

    version = models.OneToOneField(PolicyVersion, on_delete=models.CASCADE, related_name="campaign")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="acknowledgement_campaigns")
    message = models.TextField(_("message to employees"), blank=True)
    deadline = models.DateField(_("confirm by"), null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("acknowledgement campaign")
        verbose_name_plural = _("acknowledgement campaigns")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return str(self.version)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Acknowledgement(models.Model):
    """An employee confirmed having read a version. One per employee per version."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="policy_acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("acknowledgement")
        verbose_name_plural = _("acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["version", "employee"], name="one_acknowledgement_per_version"),
        ]
        indexes = [models.Index(fields=["employee", "version"])]

    def __str__(self) -> str:
        return f"{self.employee} – {self.version}"


# --- Polls ----------------------------------------------------------------------------------------------------------


def new_poll_secret() -> bytes:
    return secrets.token_bytes(32)


class Poll(models.Model):
    """A question with options and a voting period. One anonymous vote per employee.

    Unlinkable by construction: a vote only adds one to ``PollOption.votes`` (a tally, no row per vote), and a
    separate ``PollParticipation`` row holds HMAC-SHA256(``secret``, employee id) to refuse a second vote. No table
    holds both a voter and a choice, and the tallies carry no order or time. ``secret`` is wiped when the poll has
    ended (``services.wipe_ended_poll_secrets``), after which the markers cannot be tied to anyone either.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("explanation"), blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    secret = models.BinaryField(max_length=32, default=new_poll_secret, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="poll_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return self.question

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The poll must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    def has_started(self, now=None) -> bool:
        return (now or timezone.now()) >= self.opens_at


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    # The tally. Incremented in the database (F() + 1); there is no row per vote.
    votes = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("poll option")
        verbose_name_plural = _("poll options")
        ordering = ["poll", "order", "pk"]

    def __str__(self) -> str:
        return self.label


class PollParticipation(models.Model):
    """A marker "this employee has voted in this poll", as a keyed hash: no choice, no time, no reference to a person.

    The primary key is random, so the rows carry no sequence number. (How the database stores rows on disk may still
    reflect the order of participation; docs/portal.md, "Polls", lists this and the other limits.)
    """

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    voter_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("poll participation")
        verbose_name_plural = _("poll participations")
        constraints = [models.UniqueConstraint(fields=["poll", "voter_hash"], name="one_vote_per_voter")]

    def __str__(self) -> str:
        return f"{self.poll_id}:{self.voter_hash[:8]}"
