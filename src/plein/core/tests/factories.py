"""factory_boy factories for the core domain, shared by every app's tests."""

import factory
from factory.django import DjangoModelFactory

from plein.core.models import Employee, Organisation, OrgUnit, Position, RoleAssignment, StructureRole, User


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = "Provincie Testland"
    slug = "testland"
    short_name = "Testland"


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = OrgUnit.Kind.TEAM
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path}/{o.name}" if o.parent else o.name)
    depth = factory.LazyAttribute(lambda o: (o.parent.depth + 1) if o.parent else 0)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"F{n:04d}")
    title = factory.Sequence(lambda n: f"Beleidsmedewerker {n}")
    scale = "10"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Gebruiker {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    organisation = factory.SubFactory(OrganisationFactory)
    personnel_number = factory.Sequence(lambda n: f"{100000 + n}")
    first_name = factory.Sequence(lambda n: f"Voornaam{n}")
    last_name = factory.Sequence(lambda n: f"Achternaam{n}")
    email = factory.LazyAttribute(lambda o: f"{o.personnel_number}@example.org")
    unit = factory.SubFactory(OrgUnitFactory, organisation=factory.SelfAttribute("..organisation"))
    position = factory.SubFactory(PositionFactory, organisation=factory.SelfAttribute("..organisation"))
    employment_type = "vast"
    start_date = factory.Faker("date_between", start_date="-10y", end_date="-1y")


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = "integrity_coordinator"


class StructureRoleFactory(DjangoModelFactory):
    class Meta:
        model = StructureRole

    organisation = factory.SubFactory(OrganisationFactory)
    kind = StructureRole.Kind.INTEGRITY_COORDINATOR
    employee = factory.SubFactory(EmployeeFactory, organisation=factory.SelfAttribute("..organisation"))
    go_to_for = "Vragen over integriteit"
