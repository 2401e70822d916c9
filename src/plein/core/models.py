"""Core domain: organisations, org units, positions, employees, accounts and the integrity structure.

Every record is scoped to an ``Organisation``. There is one organisation by default; the model allows several.
"""

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, for example #01689b."))


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    # Design tokens for the NL Design System theme; served as a stylesheet so that the CSP stays strict.
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#01689b", validators=[hex_colour])
    primary_text_colour = models.CharField(
        _("text colour on primary"), max_length=7, default="#ffffff", validators=[hex_colour]
    )
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#ffb612", validators=[hex_colour])
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrgUnit(models.Model):
    """A node in the organisation tree: directie, domain, team."""

    class Kind(models.TextChoices):
        DIRECTORATE = "directie", _("Directorate")
        DOMAIN = "domein", _("Domain")
        TEAM = "team", _("Team")
        OTHER = "overig", _("Other")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.TEAM)
    # Materialised path, such as "Directie/Ruimte en Water/Team Water". Kept by the services, so that
    # "this unit and everything below it" is one indexed prefix query.
    path = models.CharField(_("path"), max_length=1000)
    depth = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("organisational unit")
        verbose_name_plural = _("organisational units")
        ordering = ["path"]
        constraints = [models.UniqueConstraint(fields=["organisation", "path"], name="unique_unit_path")]
        indexes = [models.Index(fields=["organisation", "path"])]

    def __str__(self) -> str:
        return self.path

    def subtree_q(self, prefix: str = "") -> Q:
        """A filter for this unit and all units below it (``prefix`` is the lookup path to the unit)."""
        return Q(**{f"{prefix}path": self.path}) | Q(**{f"{prefix}path__startswith": self.path + "/"})


class Position(models.Model):
    """A position (functie) in the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="positions")
    code = models.CharField(_("position code"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    scale = models.CharField(_("salary scale"), max_length=20, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("unit"),
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="unique_position_code")]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"


class UserQuerySet(models.QuerySet):
    pass


class PleinUserManager(UserManager.from_queryset(UserQuerySet)):
    """Accounts are identified by e-mail address."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A login account. The person behind it is an ``Employee`` (through ``employee``)."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("name"), max_length=200, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = PleinUserManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email


class EmploymentType(models.TextChoices):
    PERMANENT = "vast", _("Permanent")
    TEMPORARY = "tijdelijk", _("Temporary")
    HIRED = "inhuur", _("Hired (external)")
    INTERN = "stagiair", _("Intern")


class EmployeeQuerySet(models.QuerySet):
    def in_service(self, on=None):
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(Q(start_date__isnull=True) | Q(start_date__lte=day)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )


class Employee(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="employees")
    personnel_number = models.CharField(_("personnel number"), max_length=30)
    first_name = models.CharField(_("first name"), max_length=100)
    infix = models.CharField(_("infix"), max_length=30, blank=True, help_text=_("For example: van, de, van der"))
    last_name = models.CharField(_("last name"), max_length=150)
    email = models.EmailField(_("e-mail address"), blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("unit"),
    )
    position = models.ForeignKey(
        Position,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("position"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_to_me",
        verbose_name=_("manager"),
    )
    employment_type = models.CharField(
        _("employment type"), max_length=20, choices=EmploymentType.choices, default=EmploymentType.PERMANENT
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee",
        verbose_name=_("account"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = EmployeeQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["last_name", "first_name", "personnel_number"]
        indexes = [
            # Lists of people by start date (the oath overview: who started when), read a page at a time in this
            # order instead of sorting everyone (issue 12).
            models.Index(
                fields=["organisation", "start_date", "last_name", "first_name", "id"], name="employee_org_start"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "personnel_number"], name="unique_personnel_number"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="employee_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.infix, self.last_name) if part)

    @property
    def sort_name(self) -> str:
        last = f"{self.last_name}, {self.first_name}"
        return f"{last} {self.infix}".strip() if self.infix else last


class StructureRole(models.Model):
    """A role in the integrity structure, with public contact details ("who is who").

    The holder is an employee, or an outside person or body (the external confidential adviser, the works council).
    """

    class Kind(models.TextChoices):
        INTEGRITY_COORDINATOR = "integrity_coordinator", _("Integrity coordinator")
        CONFIDENTIAL_ADVISER_INTERNAL = "confidential_adviser_internal", _("Confidential adviser (internal)")
        CONFIDENTIAL_ADVISER_EXTERNAL = "confidential_adviser_external", _("Confidential adviser (external)")
        INVESTIGATOR = "investigator", _("Investigator")
        EMPLOYMENT_LAWYER = "employment_lawyer", _("Employment lawyer")
        CONCERN_CONTROLLER = "concern_controller", _("Concern controller")
        CISO = "ciso", _("Chief information security officer (CISO)")
        DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer (FG)")
        WORKS_COUNCIL = "works_council", _("Works council (OR)")
        INTEGRITY_PLATFORM = "integrity_platform", _("Platform Integrity and Information Security")
        PROVINCIAL_SECRETARY = "provincial_secretary", _("Provincial secretary")
        DIRECTORATE = "directorate", _("Directorate")
        MANAGER = "manager", _("Manager")
        FACILITATOR = "facilitator", _("Moral deliberation facilitator")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="structure_roles")
    kind = models.CharField(_("role"), max_length=40, choices=Kind.choices)
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="structure_roles",
        verbose_name=_("employee"),
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("For an outside person or a body; otherwise the employee."),
    )
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    go_to_for = models.TextField(_("go to them for"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_public = models.BooleanField(_("shown on the integrity structure page"), default=True)

    class Meta:
        verbose_name = _("integrity structure role")
        verbose_name_plural = _("integrity structure roles")
        ordering = ["kind", "order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(employee__isnull=False) | ~Q(name=""), name="structure_role_has_holder"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.holder_name}"

    @property
    def holder_name(self) -> str:
        if self.name:
            return self.name
        return self.employee.full_name if self.employee else ""

    @property
    def contact_email(self) -> str:
        return self.email or (self.employee.email if self.employee else "")


class RoleAssignment(models.Model):
    """An access role given to an account. Roles themselves are defined in ``plein.core.roles``.

    A manager's assignment carries the unit they manage; they see that unit and everything below it.
    History is kept: revoking sets ``revoked_at`` instead of deleting.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_assignments")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=40)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("unit")
    )
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["role", "granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "role", "unit"],
                condition=Q(revoked_at__isnull=True),
                name="unique_active_role_assignment",
            )
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.role}"


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained audit log.

    Who did what to which object, when and in which role. Never content: ``data`` holds identifiers and counts only.
    ``seq`` numbers the events without gaps and ``hash`` covers the event and the previous hash, so an edited or
    deleted row breaks the chain; ``AuditHead`` remembers the last event, so removing the tail is noticed too.
    """

    seq = models.PositiveBigIntegerField(unique=True, editable=False)
    occurred_at = models.DateTimeField(db_index=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id"]), models.Index(fields=["actor", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditHead(models.Model):
    """The last event of the chain (a single row)."""

    seq = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


class AuditCheckpoint(models.Model):
    """How far the audit chain has been verified (a single row), so that a view verifies only what came after.

    ``seq``/``hash``: the last event of a verified stretch; the audit log page checks the events after it and moves it
    on. ``full_*``: the last verification of the whole chain from the first event (``./plein verify_audit``), whose
    result the page shows, also when it failed. See docs/security.md ("Verifying the audit chain").
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    full_verified_at = models.DateTimeField(null=True, blank=True)
    full_ok = models.BooleanField(null=True)
    full_checked = models.PositiveBigIntegerField(default=0)
    full_first_bad_seq = models.PositiveBigIntegerField(null=True, blank=True)
    full_reason = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"verified up to #{self.seq}"
