"""The navigation menu each role sees, computed in Python so templates only display."""

from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str


def navigation_for(user) -> list[NavItem]:
    from ..accounts.models import Role

    items = [NavItem("core.home", _("Home"))]
    if not user or not user.is_authenticated:
        return items
    if user.has_role(Role.ADMIN):
        items.append(NavItem("admin.list_users", _("Users")))
    return items
