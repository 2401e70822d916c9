"""The main navigation groups the management pages (order 90 and up) in one menu, when there are two or more."""

from plein.core.registry import MANAGEMENT_ORDER, NavItem, split_navigation

HOME = NavItem("Home", "/", order=0)
REPORTS = NavItem("Meldingen", "/meldingen/", order=30)
AUDIT = NavItem("Auditlog", "/beheer/auditlog/", order=MANAGEMENT_ORDER + 2)
ROLES = NavItem("Rollen", "/beheer/rollen/", order=MANAGEMENT_ORDER)


def test_two_or_more_management_items_form_a_menu():
    primary, management = split_navigation([HOME, REPORTS, ROLES, AUDIT])
    assert primary == [HOME, REPORTS]
    assert management == [ROLES, AUDIT]


def test_a_single_management_item_stays_in_the_main_navigation():
    assert split_navigation([HOME, REPORTS, AUDIT]) == ([HOME, REPORTS, AUDIT], [])
    assert split_navigation([HOME]) == ([HOME], [])
