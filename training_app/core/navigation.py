"""The navigation menu each role sees, computed in Python so templates only display."""

from dataclasses import dataclass

from flask_babel import gettext as _


@dataclass(frozen=True)
class NavItem:
    endpoint: str | None
    label: str
    #: A menu of its own (the administrator's screens), shown as a dropdown.
    children: tuple["NavItem", ...] = ()

    def is_current(self, endpoint: str | None) -> bool:
        return endpoint == self.endpoint or any(c.endpoint == endpoint for c in self.children)


def navigation_for(user) -> list[NavItem]:
    from ..accounts.models import Role

    # The union's name at the left of the bar leads home.
    items = [
        NavItem("catalog.list_sessions", _("Catalogue")),
        NavItem("planning.planned_trainings", _("Planned trainings")),
        NavItem("catalog.union_calendar", _("Calendar")),
    ]
    if not user or not user.is_authenticated:
        return items
    if user.person is not None and user.has_role(Role.PARTICIPANT, Role.COORDINATOR):
        items.append(NavItem("enrollment.my_trainings", _("My trainings")))
        items.append(NavItem("privacy.my_data", _("My personal data")))
    if user.has_role(Role.COORDINATOR, Role.ADMIN):
        items.append(NavItem("enrollment.coordinator_inbox", _("Approvals")))
    if user.has_role(Role.COORDINATOR) and not user.has_role(Role.ADMIN):
        items.append(NavItem("certificates.municipality_documents", _("Documents")))
        items.append(NavItem("planning.my_needs", _("Training needs")))
    if user.has_role(Role.COORDINATOR, Role.ADMIN):
        items.append(NavItem("reports.dashboard", _("Reports")))
    if user.has_role(Role.COORDINATOR) and not user.has_role(Role.ADMIN):
        items.append(NavItem("evaluation_results.municipality_rates", _("Evaluations")))
    if user.has_role(Role.ADMIN):
        items.append(NavItem("evaluation_results.overview", _("Evaluations")))
    if user.has_role(Role.TRAINER):
        items.append(NavItem("catalog.my_sessions", _("My sessions")))
        if not user.has_role(Role.ADMIN):
            items.append(NavItem("evaluation_results.trainer_results", _("My evaluations")))
    if user.has_role(Role.ADMIN):
        items.append(NavItem("catalog_admin.list_sessions", _("Sessions")))
        items.append(NavItem("certificates.print_jobs", _("Documents")))
        items.append(
            NavItem(
                None,
                _("Planning"),
                (
                    NavItem("planning_admin.list_calls", _("Needs calls")),
                    NavItem("planning_admin.list_plans", _("Annual plans")),
                    NavItem("planning_admin.show_delivery", _("Plan and delivery")),
                ),
            )
        )
        items.append(
            NavItem(
                None,
                _("Administration"),
                (
                    NavItem("catalog_admin.list_courses", _("Courses")),
                    NavItem("catalog_admin.list_categories", _("Categories")),
                    NavItem("catalog_admin.list_venues", _("Venues")),
                    NavItem("certificates.signatories", _("Signatories")),
                    NavItem("designs.list_designs", _("Document designs")),
                    NavItem("evaluation.list_questionnaires", _("Evaluation questionnaires")),
                    NavItem("admin.list_users", _("Users")),
                    NavItem("admin.list_municipalities", _("Municipalities")),
                    NavItem("privacy.admin_requests", _("Deletion requests")),
                    NavItem("privacy.admin_notices", _("Privacy notice")),
                    NavItem("admin.list_audit_entries", _("Audit log")),
                    NavItem("admin.list_outbox", _("Outgoing mail")),
                    NavItem("mailtexts.list_texts", _("Mail texts")),
                ),
            )
        )
    return items
