"""Writes of the portal. Keyword-only arguments, one transaction each, an audit event for every change of a register.

Three groups of services:

- the CMS set-up (``ensure_portal_setup``) and the link between our roles and Wagtail's groups (``sync_cms_groups``);
- codes of conduct and policy documents: documents, versions, acknowledgement campaigns and acknowledgements;
- polls: create, change before opening, close, vote, and wipe the per-poll secret once a poll has ended.

Votes are deliberately not audited: an audit event "X voted at 10:03" next to a tally that changed at 10:03 would
undo the anonymity (docs/portal.md, "Polls").
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from plein.core import roles as R
from plein.core.models import Employee, Organisation, User
from plein.core.selectors import user_roles
from plein.core.services.audit import record_event
from plein.portal.models import (
    Acknowledgement,
    AcknowledgementCampaign,
    DocumentIndexPage,
    HomePage,
    NewsIndexPage,
    PolicyDocument,
    PolicyVersion,
    Poll,
    PollOption,
    PollParticipation,
)

# --- The CMS: groups, workflow and page tree --------------------------------------------------------------------------

# Both roles edit; the integrity coordinator also reviews and publishes. The names are Wagtail group names.
EDITORS_GROUP = "Editors"
REVIEWERS_GROUP = "Integrity coordinators"
MANAGED_GROUPS = (EDITORS_GROUP, REVIEWERS_GROUP)
GROUPS_BY_ROLE = {
    R.EDITOR: {EDITORS_GROUP},
    R.INTEGRITY_COORDINATOR: {EDITORS_GROUP, REVIEWERS_GROUP},
}
WORKFLOW_NAME = "Redactionele controle"
REVIEW_TASK_NAME = "Review by the integrity coordinator"
DOCUMENTS_COLLECTION = "Beleidsdocumenten"

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
REVIEWER_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)
REVIEWER_COLLECTION_PERMISSIONS = (
    *EDITOR_COLLECTION_PERMISSIONS,
    ("wagtaildocs", "delete_document"),
    ("wagtailimages", "delete_image"),
)
# The portal texts (wagtail.contrib.settings) are edited by both groups.
GROUP_MODEL_PERMISSIONS = (("portal", "change_portalsettings"),)

DEFAULT_HOME_SECTIONS = [
    ("todos", {"heading": "Jouw takenlijst"}),
    ("reporting", {"heading": "Melden of advies vragen", "text": ""}),
    ("news", {"heading": "Nieuws", "count": 3}),
    ("events", {"heading": "Agenda: bijeenkomsten en trainingen", "count": 4}),
    ("dilemma", {"heading": "Dilemma van de maand"}),
    ("polls", {"heading": "Peiling"}),
    ("documents", {"heading": "Gedragscodes en beleid", "count": 4}),
    (
        "contacts",
        {
            "heading": "Bij wie kun je terecht?",
            "kinds": ["integrity_coordinator", "confidential_adviser_internal", "confidential_adviser_external"],
        },
    ),
]


@dataclass
class PortalSetup:
    home: HomePage
    news_index: NewsIndexPage
    document_index: DocumentIndexPage
    workflow: Workflow
    created: list[str]


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _root_page() -> Page:
    root = Page.get_first_root_node()
    if root is not None:
        return root
    language = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    locale, _created = Locale.objects.get_or_create(language_code=language)
    return Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))


def _root_collection() -> Collection:
    return Collection.get_first_root_node() or Collection.add_root(name="Root")


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def ensure_cms_groups() -> dict[str, Group]:
    """The Wagtail groups with exactly the page, collection and model permissions they need. Idempotent.

    ``wagtailadmin.access_admin`` is taken off the groups on purpose (Wagtail's own "Editors" group has it): access to
    the CMS follows the role (``plein.portal.rules``), so someone whose role was revoked cannot get in through a group
    membership that was not brought in line yet.
    """
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in MANAGED_GROUPS}
    access_admin = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    model_perms = [_permission(app, code) for app, code in GROUP_MODEL_PERMISSIONS]
    for group in groups.values():
        group.permissions.remove(*access_admin)
        group.permissions.add(*model_perms)
    return groups


def _grant_page_permissions(groups: dict[str, Group], home: Page) -> None:
    wanted = {EDITORS_GROUP: EDITOR_PAGE_PERMISSIONS, REVIEWERS_GROUP: REVIEWER_PAGE_PERMISSIONS}
    for name, codenames in wanted.items():
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=groups[name], page=home, permission=_permission("wagtailcore", codename)
            )
    collection = _root_collection()
    collection_wanted = {EDITORS_GROUP: EDITOR_COLLECTION_PERMISSIONS, REVIEWERS_GROUP: REVIEWER_COLLECTION_PERMISSIONS}
    for name, perms in collection_wanted.items():
        for app_label, codename in perms:
            GroupCollectionPermission.objects.get_or_create(
                group=groups[name], collection=collection, permission=_permission(app_label, codename)
            )


def _ensure_workflow(home: Page, reviewers: Group) -> Workflow:
    """The editorial workflow on the whole portal: one task, approved by the integrity coordinators."""
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(reviewers)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def ensure_portal_setup(*, site_name: str | None = None) -> PortalSetup:
    """Everything the portal needs in Wagtail, created where missing. Idempotent; ``./plein setup_portal`` runs it.

    The home page becomes the root of the default site (Wagtail's "Welcome" page is removed when untouched), with a
    news overview and a documents overview below it; the groups get their permissions; the workflow is attached.
    """
    created: list[str] = []
    root = _root_page()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(
            instance=HomePage(
                title="Integriteitsplein",
                slug="integriteitsplein",
                sections=DEFAULT_HOME_SECTIONS,
                intro=(
                    "<p>Alles over integriteit op één plek: ons beleid en de gedragscodes, bij wie je terechtkunt, "
                    "en hoe je veilig een vermoeden van een misstand meldt.</p>"
                ),
            )
        )
        _publish(home)
        created.append("home page")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=site_name or settings.WAGTAIL_SITE_NAME,
        )
        created.append("site")
    elif site.root_page_id != home.pk:
        previous = site.root_page
        site.root_page = home
        site.site_name = site_name or site.site_name or settings.WAGTAIL_SITE_NAME
        site.save()
        created.append("site root")
        # Wagtail's own "Welcome to your new Wagtail site!" page, if nobody touched it.
        if type(previous.specific) is Page and previous.depth == 2 and not previous.get_children().exists():
            previous.delete()

    news_index = NewsIndexPage.objects.first()
    if news_index is None:
        news_index = home.add_child(instance=NewsIndexPage(title="Nieuws", slug="nieuws", show_in_menus=True, intro=""))
        _publish(news_index)
        created.append("news overview")
    document_index = DocumentIndexPage.objects.first()
    if document_index is None:
        document_index = home.add_child(
            instance=DocumentIndexPage(
                title="Gedragscodes en beleid",
                slug="gedragscodes-en-beleid",
                show_in_menus=True,
                intro=(
                    "Hier vind je de gedragscodes, het integriteitsplan, het beleid en de regelingen die gelden, "
                    "met de datum van vaststelling en wanneer ze weer worden herzien."
                ),
            )
        )
        _publish(document_index)
        created.append("documents overview")

    groups = ensure_cms_groups()
    _grant_page_permissions(groups, home)
    workflow = _ensure_workflow(home, groups[REVIEWERS_GROUP])
    documents_collection()
    return PortalSetup(home, news_index, document_index, workflow, created)


def documents_collection() -> Collection:
    """The collection that holds the files of policy documents (made when missing)."""
    root = _root_collection()
    existing = root.get_children().filter(name=DOCUMENTS_COLLECTION).first()
    return existing or root.add_child(instance=Collection(name=DOCUMENTS_COLLECTION))


def wanted_cms_groups(user: User) -> set[str]:
    wanted: set[str] = set()
    for role in user_roles(user):
        wanted |= GROUPS_BY_ROLE.get(role, set())
    return wanted


def sync_cms_groups(*, user: User, organisation: Organisation | None = None) -> bool:
    """Bring the user's membership of the managed Wagtail groups in line with their roles. True when it changed.

    Called for every request to the CMS (``plein.portal.middleware``) and, for everyone at once, by
    ``./plein sync_cms_editors``. Only the managed groups are touched; a group added by hand elsewhere stays.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    current = set(user.groups.filter(name__in=MANAGED_GROUPS).values_list("name", flat=True))
    wanted = wanted_cms_groups(user)
    if current == wanted:
        return False
    with transaction.atomic():
        groups = {g.name: g for g in Group.objects.filter(name__in=MANAGED_GROUPS)}
        if set(groups) != set(MANAGED_GROUPS):
            groups = ensure_cms_groups()
        added, removed = sorted(wanted - current), sorted(current - wanted)
        user.groups.add(*(groups[name] for name in added))
        user.groups.remove(*(groups[name] for name in removed))
        if added:
            _default_cms_language(user)
        record_event(
            actor=None,
            action="portal.cms_groups_synced",
            organisation=organisation,
            target=user,
            data={"added": added, "removed": removed},
        )
    # Django caches group permissions on the user object; this request must see the new ones.
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return True


def _default_cms_language(user: User) -> None:
    """The CMS speaks the organisation's language (Dutch) unless the editor chose another one in their account."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    if not profile.preferred_language:
        profile.preferred_language = settings.LANGUAGE_CODE
        profile.save(update_fields=["preferred_language"])


def sync_all_cms_groups() -> int:
    """``sync_cms_groups`` for every account that holds an editing role or is in a managed group."""
    from django.db.models import Q

    from plein.core.models import RoleAssignment

    holders = RoleAssignment.objects.filter(revoked_at__isnull=True, role__in=list(GROUPS_BY_ROLE)).values("user_id")
    users = User.objects.filter(Q(pk__in=holders) | Q(groups__name__in=MANAGED_GROUPS)).distinct()
    return sum(1 for user in users if sync_cms_groups(user=user))


# --- Codes of conduct and policy documents ----------------------------------------------------------------------------


def _clean(instance) -> None:
    instance.full_clean(validate_unique=True, validate_constraints=False)


def create_policy_document(
    *, organisation: Organisation, actor: User, title: str, kind: str, summary: str = ""
) -> PolicyDocument:
    title = title.strip()
    if PolicyDocument.objects.filter(organisation=organisation, title__iexact=title).exists():
        raise ValidationError({"title": _("There is already a document with this title.")})
    document = PolicyDocument(organisation=organisation, title=title, kind=kind, summary=summary)
    _clean(document)
    with transaction.atomic():
        document.save()
        record_event(actor=actor, action="portal.policy_document_created", organisation=organisation, target=document)
    return document


def update_policy_document(*, document: PolicyDocument, actor: User, title: str, kind: str, summary: str = ""):
    title = title.strip()
    clash = PolicyDocument.objects.filter(organisation=document.organisation, title__iexact=title)
    if clash.exclude(pk=document.pk).exists():
        raise ValidationError({"title": _("There is already a document with this title.")})
    document.title, document.kind, document.summary = title, kind, summary
    _clean(document)
    with transaction.atomic():
        document.save()
        record_event(
            actor=actor, action="portal.policy_document_changed", organisation=document.organisation, target=document
        )
    return document


def store_policy_file(*, upload: UploadedFile, title: str, actor: User):
    """Keep an uploaded file as a Wagtail document in the policy documents collection."""
    Document = get_document_model()
    allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or ["pdf"]
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in allowed:
        raise ValidationError(
            {"upload": _("This kind of file is not accepted. Use one of: %(kinds)s.") % {"kinds": ", ".join(allowed)}}
        )
    document = Document(title=title, file=upload, collection=documents_collection(), uploaded_by_user=actor)
    document.save()
    return document


def _check_version_dates(status: str, adopted_on: date | None, review_on: date | None) -> None:
    errors = {}
    if status != PolicyVersion.Status.DRAFT and adopted_on is None:
        errors["adopted_on"] = _("Enter the date on which this version was adopted.")
    if adopted_on and review_on and review_on <= adopted_on:
        errors["review_on"] = _("The review date must be after the adoption date.")
    if errors:
        raise ValidationError(errors)


def _supersede_others(version: PolicyVersion, actor: User) -> None:
    """A version comes into force: the one in force before it is replaced and its campaign ends."""
    others = PolicyVersion.objects.select_for_update().filter(
        document=version.document, status=PolicyVersion.Status.IN_FORCE
    )
    for other in others.exclude(pk=version.pk):
        other.status = PolicyVersion.Status.SUPERSEDED
        other.save(update_fields=["status"])
        AcknowledgementCampaign.objects.filter(version=other, closed_at__isnull=True).update(closed_at=timezone.now())
        record_event(
            actor=actor,
            action="portal.policy_version_superseded",
            organisation=version.document.organisation,
            target=other,
            data={"by": version.pk},
        )


def add_policy_version(
    *,
    document: PolicyDocument,
    actor: User,
    version: str,
    status: str,
    adopted_on: date | None = None,
    adopted_by: str = "",
    review_on: date | None = None,
    notes: str = "",
    file=None,
    upload: UploadedFile | None = None,
) -> PolicyVersion:
    version = version.strip()
    if document.versions.filter(version__iexact=version).exists():
        raise ValidationError({"version": _("This document already has a version %(v)s.") % {"v": version}})
    _check_version_dates(status, adopted_on, review_on)
    with transaction.atomic():
        if upload is not None:
            file = store_policy_file(upload=upload, title=f"{document.title} ({version})", actor=actor)
        item = PolicyVersion(
            document=document,
            version=version,
            status=PolicyVersion.Status.DRAFT,
            adopted_on=adopted_on,
            adopted_by=adopted_by,
            review_on=review_on,
            notes=notes,
            file=file,
            created_by=actor,
        )
        _clean(item)
        item.save()
        record_event(
            actor=actor,
            action="portal.policy_version_added",
            organisation=document.organisation,
            target=item,
            data={"status": status},
        )
        if status != PolicyVersion.Status.DRAFT:
            _set_status(item, status, actor)
    return item


def _set_status(version: PolicyVersion, status: str, actor: User) -> None:
    if status == PolicyVersion.Status.IN_FORCE:
        _supersede_others(version, actor)
    version.status = status
    version.save(update_fields=["status"])
    if status in (PolicyVersion.Status.SUPERSEDED, PolicyVersion.Status.WITHDRAWN):
        AcknowledgementCampaign.objects.filter(version=version, closed_at__isnull=True).update(closed_at=timezone.now())


def update_policy_version(
    *,
    version: PolicyVersion,
    actor: User,
    status: str,
    adopted_on: date | None,
    adopted_by: str,
    review_on: date | None,
    notes: str = "",
    file=None,
    upload: UploadedFile | None = None,
) -> PolicyVersion:
    """Change the facts of a version, for example a new review date, or put a draft in force."""
    _check_version_dates(status, adopted_on, review_on)
    if version.status != PolicyVersion.Status.DRAFT and status == PolicyVersion.Status.DRAFT:
        raise ValidationError({"status": _("An adopted version cannot go back to draft. Add a new version instead.")})
    with transaction.atomic():
        if upload is not None:
            file = store_policy_file(upload=upload, title=f"{version.document.title} ({version.version})", actor=actor)
        changed_status = status != version.status
        version.adopted_on, version.adopted_by, version.review_on = adopted_on, adopted_by, review_on
        version.notes = notes
        if file is not None:
            version.file = file
        _clean(version)
        version.save()
        if changed_status:
            _set_status(version, status, actor)
        record_event(
            actor=actor,
            action="portal.policy_version_changed",
            organisation=version.document.organisation,
            target=version,
            data={"status": status},
        )
    return version


def start_acknowledgement_campaign(
    *, version: PolicyVersion, actor: User, deadline: date | None = None, message: str = ""
) -> AcknowledgementCampaign:
    if version.status != PolicyVersion.Status.IN_FORCE:
        raise ValidationError(_("Only a version that is in force can be acknowledged. Put it in force first."))
    if AcknowledgementCampaign.objects.filter(version=version).exists():
        raise ValidationError(_("A campaign for this version was already started."))
    if deadline is not None and deadline < timezone.localdate():
        raise ValidationError({"deadline": _("The date to confirm by cannot be in the past.")})
    organisation = version.document.organisation
    with transaction.atomic():
        try:
            with transaction.atomic():
                campaign = AcknowledgementCampaign.objects.create(
                    version=version, organisation=organisation, deadline=deadline, message=message, started_by=actor
                )
        except IntegrityError as exc:
            raise ValidationError(_("A campaign for this version was already started.")) from exc
        record_event(
            actor=actor,
            action="portal.acknowledgement_campaign_started",
            organisation=organisation,
            target=campaign,
            data={"version": version.pk},
        )
    return campaign


def close_acknowledgement_campaign(*, campaign: AcknowledgementCampaign, actor: User) -> AcknowledgementCampaign:
    if campaign.closed_at is not None:
        raise ValidationError(_("This campaign has already ended."))
    with transaction.atomic():
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])
        record_event(
            actor=actor,
            action="portal.acknowledgement_campaign_closed",
            organisation=campaign.organisation,
            target=campaign,
        )
    return campaign


def acknowledge(*, version: PolicyVersion, employee: Employee, actor: User) -> Acknowledgement:
    """The employee confirms having read this version. Once per version; only the version in force, while asked."""
    if version.status != PolicyVersion.Status.IN_FORCE:
        current = (
            PolicyVersion.objects.filter(document=version.document, status=PolicyVersion.Status.IN_FORCE)
            .only("version")
            .first()
        )
        if current is not None:
            raise ValidationError(
                _(
                    "Version %(old)s of %(title)s is no longer in force, so you do not need to confirm it. "
                    "Version %(new)s applies now."
                )
                % {"old": version.version, "title": version.document.title, "new": current.version}
            )
        raise ValidationError(
            _("Version %(old)s of %(title)s is not in force, so it cannot be confirmed.")
            % {"old": version.version, "title": version.document.title}
        )
    campaign = AcknowledgementCampaign.objects.filter(version=version).first()
    if campaign is None or not campaign.is_open:
        raise ValidationError(_("Confirming this document is not asked (any more). Nothing was saved."))
    if employee.organisation_id != version.document.organisation_id:
        raise ValidationError(_("This document belongs to another organisation."))
    existing = Acknowledgement.objects.filter(version=version, employee=employee).first()
    if existing is not None:
        raise ValidationError(_already_message(existing))
    try:
        with transaction.atomic():
            item = Acknowledgement.objects.create(version=version, employee=employee)
            record_event(
                actor=actor,
                action="portal.policy_acknowledged",
                organisation=employee.organisation,
                target=version,
                role=R.EMPLOYEE,
            )
    except IntegrityError as exc:  # a second click that raced the first
        existing = Acknowledgement.objects.get(version=version, employee=employee)
        raise ValidationError(_already_message(existing)) from exc
    return item


def _already_message(existing: Acknowledgement) -> str:
    return _("You already confirmed this version on %(date)s. Nothing else to do.") % {
        "date": date_format(timezone.localtime(existing.acknowledged_at), "j F Y")
    }


# --- Polls ------------------------------------------------------------------------------------------------------------

MIN_OPTIONS = 2
MAX_OPTIONS = 10


def _clean_options(options: list[str]) -> list[str]:
    labels = [o.strip() for o in options if o and o.strip()]
    if len(labels) < MIN_OPTIONS:
        raise ValidationError({"options": _("Give at least %(n)d options.") % {"n": MIN_OPTIONS}})
    if len(labels) > MAX_OPTIONS:
        raise ValidationError({"options": _("Give at most %(n)d options.") % {"n": MAX_OPTIONS}})
    if len({label.casefold() for label in labels}) != len(labels):
        raise ValidationError({"options": _("Each option must be different.")})
    if any(len(label) > 200 for label in labels):
        raise ValidationError({"options": _("An option can be at most 200 characters.")})
    return labels


def _check_period(opens_at: datetime, closes_at: datetime, now: datetime) -> None:
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("The poll must close after it opens.")})
    if closes_at <= now:
        raise ValidationError({"closes_at": _("The closing time has already passed.")})


def create_poll(
    *,
    organisation: Organisation,
    actor: User,
    question: str,
    options: list[str],
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    now: datetime | None = None,
) -> Poll:
    labels = _clean_options(options)
    _check_period(opens_at, closes_at, now or timezone.now())
    poll = Poll(
        organisation=organisation,
        question=question.strip(),
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    _clean(poll)
    with transaction.atomic():
        poll.save()
        PollOption.objects.bulk_create(
            [PollOption(poll=poll, label=label, order=i) for i, label in enumerate(labels, start=1)]
        )
        record_event(
            actor=actor,
            action="portal.poll_created",
            organisation=organisation,
            target=poll,
            data={"options": len(labels)},
        )
    return poll


def update_poll(
    *,
    poll: Poll,
    actor: User,
    question: str,
    options: list[str],
    opens_at: datetime,
    closes_at: datetime,
    description: str = "",
    now: datetime | None = None,
) -> Poll:
    """Change a poll that has not opened yet. Once voting has started, the question and options are fixed."""
    now = now or timezone.now()
    if poll.has_started(now):
        raise ValidationError(_("This poll has already opened, so it can no longer be changed. Close it instead."))
    labels = _clean_options(options)
    _check_period(opens_at, closes_at, now)
    with transaction.atomic():
        locked = Poll.objects.select_for_update().get(pk=poll.pk)
        if locked.has_started(now) or locked.participations.exists():
            raise ValidationError(_("This poll has already opened, so it can no longer be changed. Close it instead."))
        poll.question, poll.description = question.strip(), description
        poll.opens_at, poll.closes_at = opens_at, closes_at
        _clean(poll)
        poll.save()
        poll.options.all().delete()
        PollOption.objects.bulk_create(
            [PollOption(poll=poll, label=label, order=i) for i, label in enumerate(labels, start=1)]
        )
        record_event(actor=actor, action="portal.poll_changed", organisation=poll.organisation, target=poll)
    return poll


def close_poll(*, poll: Poll, actor: User, now: datetime | None = None) -> Poll:
    """End a poll now. Its secret is wiped at once, so the participation markers cannot be tied to anyone."""
    now = now or timezone.now()
    if poll.has_ended(now):
        raise ValidationError(_("This poll has already closed."))
    with transaction.atomic():
        if not poll.has_started(now):
            poll.opens_at = now - timedelta(seconds=1)  # cancelled before it opened
        poll.closes_at = now
        poll.secret = b""
        poll.save(update_fields=["opens_at", "closes_at", "secret"])
        record_event(actor=actor, action="portal.poll_closed", organisation=poll.organisation, target=poll)
    return poll


def voter_hash(poll: Poll, employee: Employee) -> str | None:
    """HMAC-SHA256 of the employee's id under the poll's own secret; None once the secret has been wiped."""
    key = bytes(poll.secret or b"")
    if not key:
        return None
    return hmac.new(key, f"{poll.pk}:{employee.pk}".encode(), hashlib.sha256).hexdigest()


class AlreadyVoted(ValidationError):
    pass


def vote(*, poll: Poll, option_id: int | str | None, employee: Employee, now: datetime | None = None) -> None:
    """One anonymous vote. The marker (who voted, as a keyed hash) and the tally (what was chosen) are written in the
    same transaction to different tables, and neither refers to the other."""
    now = now or timezone.now()
    if employee.organisation_id != poll.organisation_id:
        raise ValidationError(_("This poll belongs to another organisation."))
    if not poll.has_started(now):
        raise ValidationError(
            _("This poll is not open yet. You can vote from %(date)s.")
            % {"date": date_format(timezone.localtime(poll.opens_at), "j F Y H:i")}
        )
    if poll.has_ended(now):
        raise ValidationError(_("This poll has closed. You can no longer vote, but you can see the results."))
    try:
        option = poll.options.get(pk=int(option_id))
    except (PollOption.DoesNotExist, TypeError, ValueError) as exc:
        raise ValidationError(_("Choose one of the options.")) from exc
    marker = voter_hash(poll, employee)
    if marker is None:
        raise ValidationError(_("This poll has closed. You can no longer vote, but you can see the results."))
    try:
        with transaction.atomic():
            PollParticipation.objects.create(id=secrets.token_hex(16), poll=poll, voter_hash=marker)
            PollOption.objects.filter(pk=option.pk).update(votes=F("votes") + 1)
    except IntegrityError as exc:
        raise AlreadyVoted(
            _("You have already voted in this poll. Everyone can vote once; your first vote counts.")
        ) from exc


def wipe_ended_poll_secrets(*, now: datetime | None = None) -> int:
    """Forget the secret of every poll that has ended. Idempotent; run as background work (``tasks.py``)."""
    now = now or timezone.now()
    ended = Poll.objects.filter(closes_at__lte=now).exclude(secret=b"")
    return ended.update(secret=b"")
