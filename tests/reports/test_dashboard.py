"""Dashboard figures against counts computed in Python from the rows the tests create."""

from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import event

from tests.conftest import municipality
from tests.reports.conftest import LAST_YEAR, A, Attendee, E, L, P
from training_app.accounts.models import POSITION_LABELS, Position, Role
from training_app.extensions import db
from training_app.reports import services
from training_app.reports.services import Period, Scope

ST, UH, MY, DM, CM = (
    Position.STAFF,
    Position.UNIT_HEAD,
    Position.MAYOR,
    Position.DEPUTY_MAYOR,
    Position.COUNCIL_MEMBER,
)


@pytest.fixture
def dataset(hold, taught_session):
    """Four closed sessions of last year (one without anyone), plus rows that must not count."""
    helds = [
        hold(
            [
                Attendee("Selçuklu", ST, ((P,), (P,))),
                Attendee("Selçuklu", UH, ((P,), (A,))),
                Attendee("Meram", MY, ((L, 120), (P,))),
                Attendee("Ilgın", CM, ((A,), (A,))),
            ],
            category="Mali Hizmetler",
            month=3,
        ),
        hold(
            [
                Attendee("Selçuklu", ST, ((P,), (P,))),
                Attendee("Meram", ST, ((E,), (P,))),
                Attendee(None, None, ((P,), (P,))),
            ],
            category="İmar ve Şehircilik",
            month=5,
            hours=(2, 4),
            issue=False,
        ),
        hold(
            [Attendee("Çumra", DM, ((P,),)), Attendee("Selçuklu", ST, ((L, 170),))],
            category="Mali Hizmetler",
            month=11,
            hours=(3,),
        ),
        hold([], category="Zabıta", month=7, hours=(3,)),
    ]
    # Outside the period: a closed session the year before, and a session not yet held.
    hold([Attendee("Selçuklu", ST, ((P,), (P,)))], month=12, year=LAST_YEAR - 1)
    taught_session(people=2)
    return helds


def expected(helds, municipalities=None):
    """{table: {label: (sessions, participants, no_shows, attended, planned, documents)}}."""
    order = list(Position)
    groups = {name: defaultdict(lambda: [set(), 0, 0, 0, 0, 0]) for name in services.TABLES}
    for number, held in enumerate(helds):
        people = [
            a for a in held.attendees if municipalities is None or a.municipality in municipalities
        ]
        if not people and municipalities is not None:
            continue
        keys_for_session = {
            "summary": "total",
            "category": held.category,
            "month": (LAST_YEAR, held.month),
        }
        for name, key in keys_for_session.items():
            groups[name][key][0].add(number)
        for a in people:
            done = held.completed(a)
            for name, key in {
                **keys_for_session,
                "municipality": a.municipality,
                "position": order.index(a.position) if a.position else len(order),
            }.items():
                line = groups[name][key]
                line[0].add(number)
                line[1] += done
                line[2] += not done
                line[3] += held.attended(a)
                line[4] += sum(held.meeting_minutes)
                line[5] += done and held.issued
    return {
        name: {key: (len(v[0]), *v[1:]) for key, v in lines.items()}
        for name, lines in groups.items()
    }


def figures(f):
    return (
        f.sessions,
        f.participants,
        f.no_shows,
        f.attended_minutes,
        f.planned_minutes,
        f.documents,
    )


def _keyed(dashboard):
    order = list(Position)
    return {
        "summary": {"total": figures(dashboard.summary)},
        "municipality": {
            (f.label if f.key is not None else None): figures(f) for f in dashboard.by_municipality
        },
        "position": {
            (order.index(f.key) if f.key else len(order)): figures(f) for f in dashboard.by_position
        },
        "category": {f.label: figures(f) for f in dashboard.by_category},
        "month": {f.key: figures(f) for f in dashboard.by_month if f.sessions},
    }


def test_union_figures_match_counts_computed_in_python(app, dataset):
    data = services.dashboard(Period.year(LAST_YEAR), Scope())
    assert _keyed(data) == expected(dataset)
    # A few figures by hand, so that the Python model itself is checked once.
    s = data.summary
    assert (s.sessions, s.participants, s.no_shows, s.documents) == (4, 6, 3, 4)
    assert s.people == 6
    assert s.attended_minutes == 360 + 180 + 300 + 0 + 360 + 240 + 360 + 180 + 170
    assert s.participant_hours == pytest.approx(2150 / 60)
    assert s.attendance_rate == pytest.approx(2150 / (4 * 360 + 3 * 360 + 2 * 180))
    assert [f.label for f in data.by_month] == [
        services.month_label(LAST_YEAR, m) for m in range(1, 13)
    ]
    # Municipalities in Turkish alphabetical order, people without one last.
    assert [f.label for f in data.by_municipality] == [
        "Çumra",
        "Ilgın",
        "Meram",
        "Selçuklu",
        "Belediyesi yok",
    ]
    assert [f.label for f in data.by_position][:1] == [str(POSITION_LABELS[MY])]


def test_a_coordinator_sees_only_their_municipality(app, dataset, make_user):
    coordinator = make_user(Role.COORDINATOR, coordinated="Selçuklu", email="koord@example.org")
    scope = services.scope_for(coordinator)
    data = services.dashboard(Period.year(LAST_YEAR), scope)
    assert _keyed(data) == expected(dataset, {"Selçuklu"})
    assert [f.label for f in data.by_municipality] == ["Selçuklu"]
    assert data.summary.sessions == 3  # the sessions Selçuklu's staff attended
    # Asking for another municipality gives nothing, not that municipality's figures.
    other = services.scope_for(coordinator, municipality("Meram").id)
    assert services.dashboard(Period.year(LAST_YEAR), other).summary.participants == 0


def test_an_admin_may_limit_the_dashboard_to_one_municipality(app, dataset, make_user):
    admin = make_user(Role.ADMIN, email="yonetici@example.org", municipality_name=None)
    scope = services.scope_for(admin, municipality("Meram").id)
    data = services.dashboard(Period.year(LAST_YEAR), scope)
    assert _keyed(data) == expected(dataset, {"Meram"})


def test_dates_limit_the_period(app, dataset):
    period = Period(date(LAST_YEAR, 3, 1), date(LAST_YEAR, 5, 31))
    data = services.dashboard(period, Scope())
    assert _keyed(data) == expected(dataset[:2])
    assert len(data.by_month) == 3


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(db.engine, "before_cursor_execute", self)


def _queries(client, url):
    db.session.expire_all()
    with QueryCounter() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count


def test_the_dashboard_costs_a_fixed_number_of_queries(app, client, hold, login_as):
    login_as(Role.ADMIN, email="sayac@example.org", municipality_name=None)
    url = f"/reports/?year={LAST_YEAR}"
    hold([Attendee("Selçuklu", ST, ((P,), (P,)))], month=2)
    with QueryCounter() as counter:
        services.dashboard(Period.year(LAST_YEAR), Scope())
    assert counter.count == 5
    small = _queries(client, url)
    for month in (3, 4, 6, 9):
        hold(
            [
                Attendee(m, pos, ((P,), (A,)))
                for m in ("Meram", "Karatay", "Ilgın")
                for pos in (ST, MY)
            ],
            category=f"Kategori {month}",
            month=month,
        )
    large = _queries(client, url)
    assert large == small
    with QueryCounter() as counter:
        services.dashboard(Period.year(LAST_YEAR), Scope())
    assert counter.count == 5
