"""Factories for the catalogue: make_category, make_venue, make_course, make_session."""

import itertools
from datetime import date, time, timedelta

import pytest

from training_app.accounts.models import Role
from training_app.catalog.models import (
    Category,
    Course,
    CourseKind,
    Delivery,
    Meeting,
    Session,
    SessionStatus,
    Venue,
)
from training_app.core.timeutil import local_today
from training_app.extensions import db


@pytest.fixture
def make_category(app):
    counter = itertools.count(1)

    def factory(name: str | None = None, **fields) -> Category:
        category = Category(name=name or f"Kategori {next(counter)}", **fields)
        db.session.add(category)
        db.session.commit()
        return category

    return factory


@pytest.fixture
def make_venue(app):
    counter = itertools.count(1)

    def factory(
        name: str | None = None, city: str = "Konya", capacity: int = 40, **fields
    ) -> Venue:
        venue = Venue(
            name=name or f"Eğitim Salonu {next(counter)}", city=city, capacity=capacity, **fields
        )
        db.session.add(venue)
        db.session.commit()
        return venue

    return factory


@pytest.fixture
def make_course(app, make_category):
    counter = itertools.count(1)

    def factory(
        title: str = "4734 Sayılı Kamu İhale Kanunu",
        code: str | None = None,
        category: Category | None = None,
        published: bool = True,
        positions=(),
        **fields,
    ) -> Course:
        n = next(counter)
        course = Course(
            code=code or f"KRS-{n:03d}",
            title=title,
            category=category or make_category(),
            is_published=published,
            kind=fields.pop("kind", CourseKind.COURSE),
            delivery=fields.pop("delivery", Delivery.CLASSROOM),
            **fields,
        )
        course.target_positions = set(positions)
        db.session.add(course)
        db.session.commit()
        return course

    return factory


@pytest.fixture
def make_trainer(make_user):
    counter = itertools.count(1)

    def factory(first_name: str = "İsmail", last_name: str = "Güneş", **kwargs):
        n = next(counter)
        user = make_user(
            Role.TRAINER,
            email=f"egitmen{n}@example.org",
            first_name=first_name,
            last_name=last_name,
            municipality_name=None,
            position=None,
            **kwargs,
        )
        return user.person

    return factory


@pytest.fixture
def make_session(app, make_course):
    """make_session(course=None, starts_on=None, days=2, status=PUBLISHED, trainers=(), ...).

    Each day gets one meeting from 09:00 to 12:00 unless meetings=[(date, start, end), ...].
    """

    def factory(
        course: Course | None = None,
        starts_on: date | None = None,
        days: int = 2,
        status: SessionStatus = SessionStatus.PUBLISHED,
        trainers=(),
        meetings=None,
        city: str = "Konya",
        capacity: int = 30,
        venue: Venue | None = None,
        **fields,
    ) -> Session:
        starts_on = starts_on or local_today() + timedelta(days=14)
        session = Session(
            course=course or make_course(),
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
            city=city,
            capacity=capacity,
            venue=venue,
            status=status,
            **fields,
        )
        if meetings is None:
            meetings = [(starts_on + timedelta(days=i), time(9), time(12)) for i in range(days)]
        session.meetings = [Meeting(day=d, starts_at=s, ends_at=e) for d, s, e in meetings]
        session.trainers = list(trainers)
        db.session.add(session)
        db.session.commit()
        return session

    return factory
