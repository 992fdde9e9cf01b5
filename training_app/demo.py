"""Realistic demo data for trying the system: people of member municipalities, staff accounts.

Deterministic (a fixed Faker seed) and idempotent: running it again adds nothing.
"""

import random

from faker import Faker
from sqlalchemy import func, select

from .accounts.models import (
    EmploymentType,
    Person,
    Position,
    PrivacyAcknowledgement,
    Role,
    RoleAssignment,
    User,
)
from .accounts.privacy_text import ensure_privacy_notice
from .accounts.services import current_privacy_notice
from .core.tckn import complete_tckn
from .extensions import db
from .municipalities.models import Municipality
from .municipalities.services import seed_member_municipalities

DEMO_PASSWORD = "Demo.2026!"
DEMO_DOMAIN = "kbb-demo.example.org"

#: (role label, e-mail) printed by `flask demo` and `make run`.
DEMO_LOGINS = (
    ("admin", f"admin@{DEMO_DOMAIN}"),
    ("coordinator", f"koordinator.selcuklu@{DEMO_DOMAIN}"),
    ("coordinator", f"koordinator.ilgin@{DEMO_DOMAIN}"),
    ("trainer", f"egitmen@{DEMO_DOMAIN}"),
    ("participant", f"katilimci@{DEMO_DOMAIN}"),
)

PARTICIPANT_COUNT = 120


def _tckn(rng: random.Random, used: set[str]) -> str:
    while True:
        candidate = complete_tckn(
            str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        )
        if candidate not in used:
            used.add(candidate)
            return candidate


def _make_account(
    email,
    first,
    last,
    roles,
    tckn=None,
    municipality=None,
    position=None,
    employment=None,
    unit=None,
    title=None,
    phone=None,
    notice=None,
    password_hash=None,
):
    user = User(email=email, password_hash=password_hash)
    for role, municipality_id in roles:
        user.roles.append(RoleAssignment(role=role, municipality_id=municipality_id))
    person = Person(
        user=user,
        first_name=first,
        last_name=last,
        municipality=municipality,
        position=position,
        employment_type=employment,
        unit=unit,
        title=title,
        phone=phone,
    )
    person.set_tckn(tckn)
    db.session.add_all([user, person])
    db.session.flush()
    if notice is not None:
        db.session.add(PrivacyAcknowledgement(user_id=user.id, notice_id=notice.id))
    return user


def load_demo_data() -> dict:
    """Add demo accounts and people unless they exist already; returns what was added."""
    seed_member_municipalities()
    ensure_privacy_notice()
    notice = current_privacy_notice()
    existing = set(
        db.session.scalars(select(User.email).where(User.email.like(f"%@{DEMO_DOMAIN}")))
    )
    municipalities = {m.name: m for m in db.session.scalars(select(Municipality))}
    fake = Faker("tr_TR")
    fake.seed_instance(1978)
    rng = random.Random(1978)
    used_tckn: set[str] = set()
    added = 0
    # One hash for every demo account: hashing is slow on purpose, and they share the password.
    probe = User(email="probe@invalid")
    probe.set_password(DEMO_PASSWORD)
    password_hash = probe.password_hash

    def add(email, *args, **kwargs):
        nonlocal added
        if email in existing:
            return
        _make_account(email, *args, notice=notice, password_hash=password_hash, **kwargs)
        existing.add(email)
        added += 1

    selcuklu, ilgin = municipalities["Selçuklu"], municipalities["Ilgın"]
    add(
        f"admin@{DEMO_DOMAIN}",
        "Ayşe",
        "Yıldırım",
        [(Role.ADMIN, None)],
        title="Eğitim Birimi Sorumlusu",
        tckn=_tckn(rng, used_tckn),
    )
    add(
        f"koordinator.selcuklu@{DEMO_DOMAIN}",
        "Mehmet",
        "Öztürk",
        [(Role.COORDINATOR, selcuklu.id), (Role.PARTICIPANT, None)],
        municipality=selcuklu,
        position=Position.UNIT_HEAD,
        employment=EmploymentType.CIVIL_SERVANT,
        unit=_unit(selcuklu, "İnsan Kaynakları"),
        title="İnsan Kaynakları ve Eğitim Müdürü",
        tckn=_tckn(rng, used_tckn),
    )
    add(
        f"koordinator.ilgin@{DEMO_DOMAIN}",
        "Şule",
        "Çelik",
        [(Role.COORDINATOR, ilgin.id), (Role.PARTICIPANT, None)],
        municipality=ilgin,
        position=Position.STAFF,
        employment=EmploymentType.CIVIL_SERVANT,
        unit=_unit(ilgin, "İnsan Kaynakları"),
        title="Eğitim Şefi",
        tckn=_tckn(rng, used_tckn),
    )
    add(
        f"egitmen@{DEMO_DOMAIN}",
        "İsmail",
        "Güneş",
        [(Role.TRAINER, None)],
        title="Kamu İhale Mevzuatı Eğitmeni",
        tckn=_tckn(rng, used_tckn),
    )
    for i, (first, last, topic) in enumerate(
        [("Gülsüm", "Aydın", "İmar Mevzuatı"), ("Ömer", "Kaya", "Afet Yönetimi")], start=2
    ):
        add(
            f"egitmen{i}@{DEMO_DOMAIN}",
            first,
            last,
            [(Role.TRAINER, None)],
            title=f"{topic} Eğitmeni",
            tckn=_tckn(rng, used_tckn),
        )
    add(
        f"katilimci@{DEMO_DOMAIN}",
        "Uğur",
        "Şahin",
        [(Role.PARTICIPANT, None)],
        municipality=selcuklu,
        position=Position.STAFF,
        employment=EmploymentType.CIVIL_SERVANT,
        unit=_unit(selcuklu, "Fen İşleri"),
        title="İnşaat Mühendisi",
        phone="0332 555 01 02",
        tckn=_tckn(rng, used_tckn),
    )

    positions = (
        [Position.STAFF] * 10
        + [Position.UNIT_HEAD] * 3
        + [Position.COUNCIL_MEMBER] * 3
        + [Position.DEPUTY_MAYOR, Position.MAYOR, Position.COMMITTEE_MEMBER]
    )
    member_list = sorted(municipalities.values(), key=lambda m: m.sort_key)
    for n in range(PARTICIPANT_COUNT):
        municipality = member_list[n % len(member_list)]
        position = rng.choice(positions)
        first = fake.first_name_female() if n % 2 else fake.first_name_male()
        last = fake.last_name()
        staff = position in (Position.STAFF, Position.UNIT_HEAD)
        add(
            f"katilimci{n + 1:03d}@{DEMO_DOMAIN}",
            first,
            last,
            [(Role.PARTICIPANT, None)],
            municipality=municipality,
            position=position,
            employment=rng.choice(list(EmploymentType)[:3]) if staff else None,
            unit=rng.choice(municipality.units) if staff and municipality.units else None,
            phone=f"05{rng.randint(30, 55)} {rng.randint(100, 999)} {rng.randint(10, 99)} "
            f"{rng.randint(10, 99)}",
            tckn=_tckn(rng, used_tckn),
        )
    total = db.session.scalar(
        select(func.count(User.id)).where(User.email.like(f"%@{DEMO_DOMAIN}"))
    )
    from .demo_activity import load_demo_activity
    from .demo_catalogue import load_demo_catalogue
    from .evaluation.demo_data import load_demo_evaluations

    catalogue = load_demo_catalogue(DEMO_DOMAIN)
    activity = load_demo_activity(DEMO_DOMAIN) | load_demo_evaluations()
    return {"accounts_added": added, "demo_accounts": total, **catalogue, **activity}


def _unit(municipality: Municipality, starts_with: str):
    return next((u for u in municipality.units if u.name.startswith(starts_with)), None)
