"""StreamField blocks of the portal's pages.

The home page is a stream of *sections*: editors add, remove and reorder them in the CMS, so the home page changes
without code. Each section type is filled from the registers by ``plein.portal.selectors.home_context``; the block only
holds what the editor chooses (a heading, how many items, free text, highlighted pages).

Rich text allows headings, lists, links and document links only: no images (media files are not served, see
docs/portal.md) and no embeds (an embed would load content from another site, which the CSP forbids).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock

from plein.core.models import StructureRole

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
# In a home section the section heading is the h2; rich text below it starts at h3.
SECTION_TEXT_FEATURES = ["h3", "bold", "italic", "ol", "ul", "link", "document-link"]

CONTACT_KIND_CHOICES = [
    (StructureRole.Kind.INTEGRITY_COORDINATOR.value, StructureRole.Kind.INTEGRITY_COORDINATOR.label),
    (StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL.value, StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL.label),
    (StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL.value, StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL.label),
    (StructureRole.Kind.FACILITATOR.value, StructureRole.Kind.FACILITATOR.label),
    (StructureRole.Kind.WORKS_COUNCIL.value, StructureRole.Kind.WORKS_COUNCIL.label),
    (StructureRole.Kind.INTEGRITY_PLATFORM.value, StructureRole.Kind.INTEGRITY_PLATFORM.label),
]
DEFAULT_CONTACT_KINDS = [
    StructureRole.Kind.INTEGRITY_COORDINATOR.value,
    StructureRole.Kind.CONFIDENTIAL_ADVISER_INTERNAL.value,
    StructureRole.Kind.CONFIDENTIAL_ADVISER_EXTERNAL.value,
]


def _heading(default):
    return blocks.CharBlock(label=_("Heading"), max_length=120, default=default)


def _count(default: int, maximum: int = 12):
    return blocks.IntegerBlock(label=_("How many"), min_value=1, max_value=maximum, default=default)


class HighlightBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.TextBlock(label=_("Short text"), required=False, max_length=300)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.URLBlock(label=_("Or a web address"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("page") and not value.get("url"):
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(_("Choose a page or enter a web address."))}
            )
        return value

    class Meta:
        icon = "pick"
        label = _("Highlight")


class HighlightsSection(blocks.StructBlock):
    heading = _heading(_("In the spotlight"))
    items = blocks.ListBlock(HighlightBlock(), label=_("Highlights"), min_num=1, max_num=6)

    class Meta:
        icon = "pick"
        label = _("Highlights chosen by the editors")


class NewsSection(blocks.StructBlock):
    heading = _heading(_("News"))
    count = _count(3)

    class Meta:
        icon = "doc-full"
        label = _("Latest news")


class EventsSection(blocks.StructBlock):
    heading = _heading(_("Upcoming events and trainings"))
    count = _count(4)

    class Meta:
        icon = "date"
        label = _("Upcoming events and trainings")


class DilemmaSection(blocks.StructBlock):
    heading = _heading(_("Dilemma of the month"))

    class Meta:
        icon = "help"
        label = _("Dilemma of the month")


class ReportingSection(blocks.StructBlock):
    heading = _heading(_("Report or ask for advice"))
    text = blocks.RichTextBlock(label=_("Text"), features=SECTION_TEXT_FEATURES, required=False)

    class Meta:
        icon = "warning"
        label = _("Ways to report and to ask for advice")


class ContactsSection(blocks.StructBlock):
    heading = _heading(_("Who you can go to"))
    kinds = blocks.MultipleChoiceBlock(
        label=_("Which roles"), choices=CONTACT_KIND_CHOICES, default=DEFAULT_CONTACT_KINDS
    )

    class Meta:
        icon = "group"
        label = _("Contact persons")


class TodosSection(blocks.StructBlock):
    heading = _heading(_("Your to-do list"))

    class Meta:
        icon = "tasks"
        label = _("The employee's own to-dos (only when logged in)")


class PollsSection(blocks.StructBlock):
    heading = _heading(_("Poll"))

    class Meta:
        icon = "list-ul"
        label = _("Open polls")


class DocumentsSection(blocks.StructBlock):
    heading = _heading(_("Codes of conduct and policy"))
    count = _count(4)

    class Meta:
        icon = "doc-full-inverse"
        label = _("Codes of conduct and policy documents")


class TextSection(blocks.StructBlock):
    heading = _heading(_("Good to know"))
    text = blocks.RichTextBlock(label=_("Text"), features=SECTION_TEXT_FEATURES)

    class Meta:
        icon = "pilcrow"
        label = _("Free text")


class HomeSectionsBlock(blocks.StreamBlock):
    highlights = HighlightsSection()
    news = NewsSection()
    events = EventsSection()
    dilemma = DilemmaSection()
    reporting = ReportingSection()
    contacts = ContactsSection()
    todos = TodosSection()
    polls = PollsSection()
    documents = DocumentsSection()
    text = TextSection()

    class Meta:
        block_counts = {name: {"max_num": 1} for name in ("news", "events", "dilemma", "todos", "polls")}


class CalloutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "ul", "link", "document-link"])

    class Meta:
        icon = "info-circle"
        label = _("Highlighted note")
        template = "portal/blocks/callout.html"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "ul", "ol", "link", "document-link"])


class FaqBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=120, default=_("Frequently asked questions"))
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"))

    class Meta:
        icon = "help"
        label = _("Questions and answers")
        template = "portal/blocks/faq.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(label=_("Link text"), required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "portal/blocks/document.html"


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    source = blocks.CharBlock(label=_("Who said it"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "portal/blocks/quote.html"


class ContentBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120, template="portal/blocks/heading.html", icon="title")
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    callout = CalloutBlock()
    quote = QuoteBlock()
    faq = FaqBlock()
    document = DocumentLinkBlock()
