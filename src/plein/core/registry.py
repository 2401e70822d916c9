"""Extension points through which apps contribute to shared pages without core importing them.

An app registers in its ``AppConfig.ready()``:

    from plein.core.registry import start_page_items
    start_page_items.register(my_todos)   # my_todos(request) -> list[StartPageItem]
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StartPageItem:
    title: str
    url: str
    description: str = ""
    # "todo" items are things the person still has to do; "link" items are ways in.
    kind: str = "todo"
    overdue: bool = False


class Registry:
    def __init__(self) -> None:
        self._providers: list[Callable] = []

    def register(self, provider: Callable) -> Callable:
        if provider not in self._providers:
            self._providers.append(provider)
        return provider

    def collect(self, request) -> list:
        items: list = []
        for provider in self._providers:
            items.extend(provider(request) or [])
        return items

    def __iter__(self):
        # The registered providers, in registration order (used by registries that are not per request).
        return iter(list(self._providers))


start_page_items = Registry()
main_navigation = Registry()
# Demo data: each app registers ``load(organisation, *, rng, today)`` in its AppConfig.ready(). plein.core.demo calls
# the loaders after the core data, in INSTALLED_APPS order, in one transaction, each with its own random.Random.
demo_loaders = Registry()


@dataclass(frozen=True)
class NavItem:
    title: str
    url: str
    order: int = 50
    active: bool = False


def navigation_for(request) -> list[NavItem]:
    """The main navigation for this request, in order, with the current section marked."""
    items = sorted(main_navigation.collect(request), key=lambda i: (i.order, str(i.title)))
    path = request.path
    best = max((i for i in items if i.url != "/" and path.startswith(i.url)), key=lambda i: len(i.url), default=None)
    if best is None:
        best = next((i for i in items if i.url == path), None)
    return [NavItem(i.title, i.url, i.order, i is best) for i in items]


# Items from this order on are management pages (settings, the administration's registers, the audit log): the layout
# groups them under one "Management" menu, so that the main navigation of a coordinator stays one or two rows.
MANAGEMENT_ORDER = 90


def split_navigation(items: list[NavItem]) -> tuple[list[NavItem], list[NavItem]]:
    """The main navigation's own items, and the management items grouped under one menu (none if only one)."""
    management = [i for i in items if i.order >= MANAGEMENT_ORDER]
    if len(management) < 2:
        return items, []
    return [i for i in items if i.order < MANAGEMENT_ORDER], management
