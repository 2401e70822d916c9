"""Writes of the REST API: tokens, and people, organisational units and positions from an integration.

People go through the very importer of ``./plein import_people`` (``plein.core.services.people_import``): the rows
an integration sends become a ``Table`` in memory and get the same parsing, the same checks (manager must exist, no
manager loops, dates, employment type codes, end date not before start date) and the same messages as a file.
Units and positions use the import's cell parsers, so their messages match the import's too.

Every write is atomic and audited; the audit event names the token (``actor_label``), never content.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plein.core.importing import CellError, ImportIssue, ImportResult, Table, as_choice, as_text, cell_text, shown
from plein.core.models import Employee, Organisation, OrgUnit, Position, User
from plein.core.services.audit import record_event
from plein.core.services.people_import import COLUMNS, UNIT_PATH_MAX, PeopleImporter, as_unit_path, unit_kind

from .models import ApiToken, Scope

# --- tokens -----------------------------------------------------------------------------------------------------------

TOKEN_KIND = "plein"
PREFIX_BYTES = 4  # 8 hex characters: identifies a token, is no secret
SECRET_BYTES = 32  # 256 bits
DEFAULT_DAYS = 365
MAX_DAYS = 2 * 365
AUDIT_ROLE = "api_token"  # the "role" of audit events written by an integration


class TokenError(Exception):
    """A token that cannot be used. ``code`` is one of invalid, expired, revoked."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


def token_digest(raw: str) -> str:
    """The SHA-256 digest of a token: all that is stored. A token has 256 random bits, so no salt or slow hash is
    needed to make the digest useless to someone who copies the database."""
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"{TOKEN_KIND}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def token_label(token: ApiToken) -> str:
    """How the audit log names a token: its prefix and the integration's name."""
    return f"API {token.prefix} ({token.name})"


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(scopes))
    unknown = [scope for scope in wanted if scope not in Scope.values]
    if unknown or not wanted:
        raise ValueError(
            str(
                _("Unknown or missing scope: %(scopes)s. Choose from: %(choices)s.")
                % {"scopes": ", ".join(unknown) or "–", "choices": ", ".join(Scope.values)}
            )
        )
    return wanted


def create_token(
    *,
    organisation: Organisation,
    name: str,
    scopes: Iterable[str],
    days: int = DEFAULT_DAYS,
    actor: User | None = None,
    role: str = "",
) -> tuple[ApiToken, str]:
    """Make a token. Returns the record and the token itself, which is shown once and never stored."""
    name = " ".join(str(name).split())
    if not name:
        raise ValueError(str(_("Give the integration a name, for example “HR system”.")))
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise ValueError(str(_("The name is too long: at most 100 characters are allowed.")))
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValueError(str(_("A token is valid for 1 to %(max)d days.") % {"max": MAX_DAYS}))
    scopes = validate_scopes(scopes)
    for _attempt in range(5):
        prefix, raw = _new_token()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    organisation=organisation,
                    name=name,
                    scopes=scopes,
                    prefix=prefix,
                    digest=token_digest(raw),
                    created_by=actor if getattr(actor, "is_authenticated", False) else None,
                    expires_at=timezone.now() + timedelta(days=int(days)),
                )
                record_event(
                    actor=actor,
                    action="api_token.create",
                    organisation=organisation,
                    target=token,
                    role=role,
                    data={"prefix": token.prefix, "scopes": scopes, "days": int(days)},
                )
        except IntegrityError:  # the same prefix twice: 1 in 4 billion; try another
            continue
        return token, raw
    raise RuntimeError("could not make a unique token prefix")


def revoke_token(*, token: ApiToken, actor: User | None = None, role: str = "") -> ApiToken:
    """Revoke a token at once. Revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_event(
            actor=actor,
            action="api_token.revoke",
            organisation=token.organisation,
            target=token,
            role=role,
            data={"prefix": token.prefix},
        )
    return token


LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_token(raw: str) -> ApiToken:
    """The active token for ``raw``, or ``TokenError``. Notes when it was last used (at most once a minute)."""
    invalid = TokenError(
        "token_invalid",
        _(
            "The API token is not valid. Check that you sent it completely, as “Authorization: Bearer <token>”, "
            "or ask the functional administrator for a new one."
        ),
    )
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_KIND or not parts[1] or not parts[2]:
        raise invalid
    token = ApiToken.objects.select_related("organisation").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.digest, token_digest(raw)):
        raise invalid
    now = timezone.now()
    status = token.status(now)
    if status == ApiToken.Status.REVOKED:
        raise TokenError(
            "token_revoked",
            _("This API token has been revoked. Ask the functional administrator for a new one."),
        )
    if status == ApiToken.Status.EXPIRED:
        raise TokenError(
            "token_expired",
            _("This API token expired on %(date)s. Ask the functional administrator for a new one.")
            % {"date": timezone.localtime(token.expires_at).strftime("%d-%m-%Y %H:%M")},
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def audit_api(token: ApiToken, *, action: str, target=None, data: dict | None = None) -> None:
    """An audit event written on behalf of an integration."""
    record_event(
        actor=None,
        actor_label=token_label(token),
        action=action,
        organisation=token.organisation,
        target=target,
        role=AUDIT_ROLE,
        data={"token": token.prefix, **(data or {})},
    )


# --- problems ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data: the row (its index in the list sent; ``None`` for a single object or the
    request as a whole), the field, and a message for the user."""

    index: int | None
    field: str
    message: str


class InvalidData(Exception):
    """The data was refused; nothing has been saved."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class Conflict(Exception):
    """The object already exists (create) or cannot change this way."""

    def __init__(self, message, field: str = ""):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


EMPTY_MESSAGE = _("This field is empty, but it must be filled in.")  # the import's message for an empty cell

# --- people -----------------------------------------------------------------------------------------------------------

PERSON_FIELDS: tuple[str, ...] = tuple(column.key for column in COLUMNS)
REQUIRED_PERSON_FIELDS: tuple[str, ...] = tuple(column.key for column in COLUMNS if column.required)
FIRST_LINE = 2  # the importer numbers lines as a spreadsheet does: the header is line 1


class ApiPeopleImporter(PeopleImporter):
    """The people import, audited as a write by an integration instead of as a file import."""

    def __init__(self, *, token: ApiToken, action: str, target_number: str | None = None):
        super().__init__(organisation=token.organisation)
        self.token = token
        self.action = action
        self.target_number = target_number

    def after_apply(self, plan, result: ImportResult) -> None:
        target = None
        if self.target_number is not None:
            target = Employee.objects.get(organisation=self.organisation, personnel_number=self.target_number)
        audit_api(
            self.token,
            action=self.action,
            target=target,
            data={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                **result.details,
            },
        )


def _problems(issues: Iterable[ImportIssue], *, single: bool) -> list[Problem]:
    problems = []
    for issue in issues:
        index = None
        if not single and issue.line is not None and issue.line >= FIRST_LINE:
            index = issue.line - FIRST_LINE
        problems.append(Problem(index, issue.column, issue.message))
    return problems


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _run_people(
    token: ApiToken,
    header: list[str],
    rows: list[Mapping[str, Any]],
    *,
    action: str,
    dry_run: bool = False,
    target_number: str | None = None,
) -> ImportResult:
    """Run the people importer on rows (dicts keyed by the API's field names). ``InvalidData`` on any problem.

    ``target_number`` marks a single person (create or update): problems then have no row index. For a list, every
    row must have the same fields, just as every line of a file has the same columns."""
    single = target_number is not None
    problems = []
    for index, row in enumerate(rows):
        if all(_is_empty(row.get(key)) for key in header):
            problems.append(
                Problem(
                    None if single else index,
                    "",
                    str(_("This row is empty. Leave it out, or fill in the person's data.")),
                )
            )
        for key in [] if single else header:
            if key not in row:
                problems.append(
                    Problem(
                        index,
                        key,
                        str(
                            _(
                                "This row has no “%(field)s”, while other rows have it. Give every row the same "
                                "fields: null or an empty text clears a value."
                            )
                            % {"field": key}
                        ),
                    )
                )
    if problems:
        raise InvalidData(problems)
    table = Table(
        "api",
        header=list(header),
        rows=iter([(FIRST_LINE + i, [row.get(key) for key in header]) for i, row in enumerate(rows)]),
        total=len(rows),
    )
    importer = ApiPeopleImporter(token=token, action=action, target_number=target_number)
    result = importer.run(table, dry_run=dry_run)
    if result.errors:
        raise InvalidData(_problems(result.errors, single=single))
    return result


def sync_people(*, token: ApiToken, rows: list[Mapping[str, Any]], dry_run: bool = False) -> ImportResult:
    """The bulk sync: the semantics of ``./plein import_people`` for a list of rows.

    An upsert by personnel number; all-or-nothing, with every problem per row; an optional field that no row has is
    left alone, null or "" clears it; people who are not in the list are left alone. Every row has the same fields,
    as every line of a file has the same columns, and the fields that are required columns of the import must be
    there (email may be null).
    """
    header = [key for key in PERSON_FIELDS if any(key in row for row in rows)]
    missing = [key for key in REQUIRED_PERSON_FIELDS if key not in header]
    if missing:
        raise InvalidData(
            [
                Problem(None, key, str(_("Every row must have the field “%(field)s”.") % {"field": key}))
                for key in missing
            ]
        )
    return _run_people(token, header, rows, action="api.people.sync", dry_run=dry_run)


def _number(value: Any) -> str:
    return cell_text(value)


def create_person(*, token: ApiToken, data: Mapping[str, Any]) -> Employee:
    """Add one person. ``Conflict`` when the personnel number is taken; ``InvalidData`` as the import would."""
    number = _number(data.get("personnel_number"))
    if number and Employee.objects.filter(organisation=token.organisation, personnel_number=number).exists():
        raise Conflict(
            _(
                "A person with personnel number %(number)s already exists. Change them with PUT or PATCH on "
                "/api/v1/people/%(number)s."
            )
            % {"number": shown(number)},
            field="personnel_number",
        )
    _run_people(token, list(PERSON_FIELDS), [data], action="api.person.create", target_number=number or "")
    return Employee.objects.get(organisation=token.organisation, personnel_number=number)


def _current_values(employee: Employee) -> dict[str, Any]:
    """The person's fields that are required columns of the import, as the API writes them: they complete a partial
    update, so that the fields that were not sent stay as they are."""
    return {
        "personnel_number": employee.personnel_number,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "unit": employee.unit.path if employee.unit_id else None,
        "employment_type": employee.employment_type,
        "start_date": employee.start_date.isoformat() if employee.start_date else None,
    }


def update_person(*, token: ApiToken, employee: Employee, data: Mapping[str, Any], partial: bool) -> Employee:
    """Change one person. PUT (``partial=False``) sets every field (a missing one is cleared, or refused when it
    is required); PATCH sets only the fields sent."""
    number = employee.personnel_number
    sent = _number(data.get("personnel_number")) if "personnel_number" in data else number
    if sent != number:
        raise InvalidData(
            [
                Problem(
                    None,
                    "personnel_number",
                    str(
                        _(
                            "The personnel number %(sent)s differs from the one in the address (%(number)s). A "
                            "personnel number cannot be changed."
                        )
                        % {"sent": shown(sent), "number": shown(number)}
                    ),
                )
            ]
        )
    if partial:
        row = {**_current_values(employee), **data, "personnel_number": number}
        header = [key for key in PERSON_FIELDS if key in row]
    else:
        row = {**data, "personnel_number": number}
        header = list(PERSON_FIELDS)
    _run_people(token, header, [row], action="api.person.update", target_number=number)
    return Employee.objects.select_related("unit", "position", "manager").get(pk=employee.pk)


# --- organisational units ---------------------------------------------------------------------------------------------

_parse_unit_path = as_unit_path()
_parse_unit_kind = as_choice(OrgUnit.Kind)


def _parse(field: str, value: Any, parser, problems: list[Problem], *, required: bool = True) -> Any:
    if _is_empty(value):
        if required:
            problems.append(Problem(None, field, str(EMPTY_MESSAGE)))
        return None
    try:
        return parser(value)
    except CellError as exc:
        problems.append(Problem(None, field, exc.message))
        return None


def _ensure_units(organisation: Organisation, path: str) -> tuple[OrgUnit | None, int]:
    """The parent of ``path``, created with its own missing ancestors as the import does. Returns it and the number
    of units created."""
    parts = path.split("/")
    parent, created = None, 0
    for depth in range(len(parts) - 1):
        ancestor = "/".join(parts[: depth + 1])
        unit = OrgUnit.objects.filter(organisation=organisation, path=ancestor).first()
        if unit is None:
            unit = OrgUnit.objects.create(
                organisation=organisation,
                parent=parent,
                name=parts[depth],
                kind=unit_kind(depth),
                path=ancestor,
                depth=depth,
            )
            created += 1
        parent = unit
    return parent, created


def _unit_taken(organisation: Organisation, path: str) -> bool:
    return (
        OrgUnit.objects.filter(organisation=organisation).filter(Q(path=path) | Q(path__startswith=path + "/")).exists()
    )


def create_unit(*, token: ApiToken, data: Mapping[str, Any]) -> OrgUnit:
    """Add a unit by its path (``Directie/Domein/Team``); missing units above it are made as the import makes them."""
    problems: list[Problem] = []
    path = _parse("path", data.get("path"), _parse_unit_path, problems)
    kind = _parse("kind", data.get("kind"), _parse_unit_kind, problems, required=False)
    if problems:
        raise InvalidData(problems)
    organisation = token.organisation
    with transaction.atomic():
        if _unit_taken(organisation, path):
            raise Conflict(_("The unit “%(path)s” already exists.") % {"path": shown(path)}, field="path")
        parent, created = _ensure_units(organisation, path)
        depth = path.count("/")
        unit = OrgUnit.objects.create(
            organisation=organisation,
            parent=parent,
            name=path.rsplit("/", 1)[-1],
            kind=kind or unit_kind(depth),
            path=path,
            depth=depth,
        )
        audit_api(token, action="api.unit.create", target=unit, data={"units_created": created + 1})
    return unit


def update_unit(*, token: ApiToken, unit: OrgUnit, data: Mapping[str, Any], partial: bool) -> OrgUnit:
    """Change a unit's kind, or move or rename it by giving a new path; the units below it move along."""
    problems: list[Problem] = []
    path = unit.path
    if "path" in data or not partial:
        path = _parse("path", data.get("path"), _parse_unit_path, problems)
    kind = unit.kind
    if "kind" in data or not partial:
        kind = _parse("kind", data.get("kind"), _parse_unit_kind, problems, required=False) or (
            unit.kind if partial else unit_kind((path or unit.path).count("/"))
        )
    if problems:
        raise InvalidData(problems)
    organisation = token.organisation
    with transaction.atomic():
        unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
        old = unit.path
        moved, created = 0, 0
        if path != old:
            if path.startswith(old + "/"):
                raise InvalidData([Problem(None, "path", str(_("A unit cannot be moved below itself.")))])
            if _unit_taken(organisation, path):
                raise Conflict(_("The unit “%(path)s” already exists.") % {"path": shown(path)}, field="path")
            subtree = list(OrgUnit.objects.filter(organisation=organisation).filter(unit.subtree_q()))
            if any(len(path + u.path[len(old) :]) > UNIT_PATH_MAX for u in subtree):
                raise InvalidData(
                    [
                        Problem(
                            None,
                            "path",
                            str(
                                _("The unit path is too long: at most %(max)d characters are allowed.")
                                % {"max": UNIT_PATH_MAX}
                            ),
                        )
                    ]
                )
            parent, created = _ensure_units(organisation, path)
            for member in subtree:
                member.path = path + member.path[len(old) :]
                member.depth = member.path.count("/")
                if member.pk == unit.pk:
                    member.parent = parent
                    member.name = path.rsplit("/", 1)[-1]
                    member.kind = kind
            OrgUnit.objects.bulk_update(subtree, ["path", "depth", "parent", "name", "kind"])
            moved = len(subtree)
        elif kind != unit.kind:
            OrgUnit.objects.filter(pk=unit.pk).update(kind=kind)
        audit_api(
            token,
            action="api.unit.update",
            target=unit,
            data={"units_moved": moved, "units_created": created, "kind_changed": kind != unit.kind},
        )
    return OrgUnit.objects.select_related("parent").get(pk=unit.pk)


# --- positions --------------------------------------------------------------------------------------------------------

_parse_code = as_text(Position._meta.get_field("code").max_length)
_parse_title = as_text(Position._meta.get_field("title").max_length)
_parse_scale = as_text(Position._meta.get_field("scale").max_length)


def _position_values(organisation: Organisation, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for field in fields:
        value = data.get(field)
        if field == "title":
            values["title"] = _parse("title", value, _parse_title, problems)
        elif field == "scale":
            values["scale"] = _parse("scale", value, _parse_scale, problems, required=False) or ""
        elif field == "unit":
            path = _parse("unit", value, _parse_unit_path, problems, required=False)
            unit = None
            if path:
                unit = OrgUnit.objects.filter(organisation=organisation, path=path).first()
                if unit is None:
                    problems.append(
                        Problem(
                            None,
                            "unit",
                            str(
                                _("The unit “%(path)s” does not exist. Add it first, or leave the unit empty.")
                                % {"path": shown(path)}
                            ),
                        )
                    )
            values["unit"] = unit
    if problems:
        raise InvalidData(problems)
    return values


POSITION_FIELDS = ("title", "scale", "unit")


def create_position(*, token: ApiToken, data: Mapping[str, Any]) -> Position:
    problems: list[Problem] = []
    code = _parse("code", data.get("code"), _parse_code, problems)
    try:
        values = _position_values(token.organisation, data, POSITION_FIELDS)
    except InvalidData as exc:
        problems.extend(exc.problems)
    if problems:
        raise InvalidData(problems)
    with transaction.atomic():
        if Position.objects.filter(organisation=token.organisation, code=code).exists():
            raise Conflict(
                _("A position with code %(code)s already exists. Change it with PUT or PATCH.") % {"code": shown(code)},
                field="code",
            )
        position = Position.objects.create(organisation=token.organisation, code=code, **values)
        audit_api(token, action="api.position.create", target=position)
    return position


def update_position(*, token: ApiToken, position: Position, data: Mapping[str, Any], partial: bool) -> Position:
    if "code" in data and _number(data.get("code")) != position.code:
        raise InvalidData(
            [
                Problem(
                    None,
                    "code",
                    str(
                        _("The code %(sent)s differs from the one in the address (%(code)s). A code cannot be changed.")
                        % {"sent": shown(data.get("code")), "code": shown(position.code)}
                    ),
                )
            ]
        )
    fields = [field for field in POSITION_FIELDS if field in data or not partial]
    values = _position_values(token.organisation, data, fields)
    with transaction.atomic():
        for field, value in values.items():
            setattr(position, field, value)
        position.save(update_fields=list(values) or None)
        audit_api(token, action="api.position.update", target=position, data={"fields": sorted(values)})
    return position
