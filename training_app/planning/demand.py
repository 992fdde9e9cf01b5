"""The consolidated demand of a needs call: submitted needs merged by topic and by municipality.

A need names a course, or a free-text topic grouped by its search key (Turkish-aware and
ASCII-folded: "İmar Mevzuatı", "imar mevzuati" and "IMAR MEVZUATI" are one topic). The office
maps a topic to a course or merges it into another topic (TopicMapping); interest declared by
people ("Açılınca haber ver") joins the course's demand. A fixed number of queries whatever the
number of needs: needs, their positions, mappings, courses, interest, municipalities.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import POSITION_LABELS, Position
from ..catalog.models import Course
from ..core import audit
from ..core.errors import DomainError
from ..extensions import db
from ..municipalities.models import Municipality
from .interest import interest_counts
from .models import Need, NeedPosition, NeedsCall, NeedStatus, Priority, TopicMapping

#: How many merges are followed at most (a longer chain is a mistake of the office).
MAX_MERGE_DEPTH = 10


@dataclass
class TopicDemand:
    """One topic of the demand: a course, or a free-text topic with the variants written."""

    key: str
    label: str
    course_id: int | None = None
    course_code: str | None = None
    #: Free-text topic keys counted here (the group's own and those merged into it).
    topic_keys: set[str] = field(default_factory=set)
    variants: Counter = field(default_factory=Counter)
    municipality_ids: set[int] = field(default_factory=set)
    people: int = 0
    interested: int = 0
    needs: int = 0
    priorities: Counter = field(default_factory=Counter)
    positions: Counter = field(default_factory=Counter)
    months: Counter = field(default_factory=Counter)

    @property
    def municipalities(self) -> int:
        return len(self.municipality_ids)

    @property
    def priority_score(self) -> int:
        return sum(Priority(p).weight * n for p, n in self.priorities.items())

    @property
    def demand(self) -> int:
        return self.people + self.interested

    @property
    def is_course(self) -> bool:
        return self.course_id is not None

    @property
    def position_list(self) -> list[Position]:
        order = list(Position)
        return sorted(self.positions, key=order.index)

    @property
    def position_labels(self) -> list[str]:
        return [str(POSITION_LABELS[p]) for p in self.position_list]

    @property
    def variant_list(self) -> list[str]:
        return [text for text, _n in self.variants.most_common()]

    @property
    def top_month(self) -> int | None:
        return self.months.most_common(1)[0][0] if self.months else None

    def sort_key(self):
        return (-self.demand, -self.municipalities, -self.priority_score, self.label)


@dataclass
class MunicipalityDemand:
    municipality_id: int
    name: str
    sort_key: str
    needs: int = 0
    people: int = 0
    high: int = 0
    interested: int = 0
    topics: list[str] = field(default_factory=list)


@dataclass
class Demand:
    call: NeedsCall
    topics: list[TopicDemand]
    municipalities: list[MunicipalityDemand]

    @property
    def total_people(self) -> int:
        return sum(t.people for t in self.topics)


def _resolve(key: str, mappings: dict[str, TopicMapping]) -> tuple[str, int | None]:
    """Follow merges from a topic key to its final key and the course it maps to, if any."""
    seen = set()
    while key in mappings and key not in seen and len(seen) < MAX_MERGE_DEPTH:
        seen.add(key)
        mapping = mappings[key]
        if mapping.course_id is not None:
            return key, mapping.course_id
        key = mapping.merged_into_key
    return key, None


def consolidated_demand(call: NeedsCall) -> Demand:
    """The submitted needs of `call` (and waiting interest) by topic and by municipality."""
    needs = db.session.execute(
        select(
            Need.id,
            Need.municipality_id,
            Need.course_id,
            Need.topic,
            Need.topic_key,
            Need.people_count,
            Need.priority,
            Need.months_mask,
        )
        .where(Need.call_id == call.id, Need.status == NeedStatus.SUBMITTED)
        .order_by(Need.id)
    ).all()
    positions = defaultdict(list)
    for need_id, position in db.session.execute(
        select(NeedPosition.need_id, NeedPosition.position)
        .join(Need, Need.id == NeedPosition.need_id)
        .where(Need.call_id == call.id, Need.status == NeedStatus.SUBMITTED)
    ):
        positions[need_id].append(position)
    mappings = {m.topic_key: m for m in db.session.scalars(select(TopicMapping))}
    interest = interest_counts()

    groups: dict[str, TopicDemand] = {}
    by_municipality: dict[int, MunicipalityDemand] = {}

    def group_for(course_id, topic_key, label):
        key = f"course:{course_id}" if course_id else f"topic:{topic_key}"
        if key not in groups:
            groups[key] = TopicDemand(key=key, label=label, course_id=course_id)
        return groups[key]

    for need in needs:
        course_id = need.course_id
        final_key = need.topic_key
        if course_id is None:
            final_key, course_id = _resolve(need.topic_key, mappings)
        group = group_for(course_id, final_key, need.topic)
        if need.course_id is None:
            group.topic_keys.add(need.topic_key)
        group.variants[need.topic] += 1
        group.municipality_ids.add(need.municipality_id)
        group.people += need.people_count
        group.needs += 1
        group.priorities[Priority(need.priority).value] += 1
        for position in positions.get(need.id, ()):
            group.positions[position] += 1
        for month in range(1, 13):
            if need.months_mask & (1 << (month - 1)):
                group.months[month] += 1
        line = by_municipality.setdefault(
            need.municipality_id, MunicipalityDemand(need.municipality_id, "", "")
        )
        line.needs += 1
        line.people += need.people_count
        line.high += Priority(need.priority) == Priority.HIGH
        line.topics.append(need.topic)

    # Interest waiting for a course joins the course's demand (a course nobody asked for
    # in the call appears with its interest alone).
    for (course_id, municipality_id), count in interest.items():
        group = group_for(course_id, None, "")
        group.interested += count
        if municipality_id is not None:
            group.municipality_ids.add(municipality_id)
            line = by_municipality.setdefault(
                municipality_id, MunicipalityDemand(municipality_id, "", "")
            )
            line.interested += count

    course_ids = sorted({g.course_id for g in groups.values() if g.course_id})
    courses = {}
    if course_ids:
        courses = {
            c.id: (c.code, c.title)
            for c in db.session.execute(
                select(Course.id, Course.code, Course.title).where(Course.id.in_(course_ids))
            )
        }
    for group in groups.values():
        if group.course_id in courses:
            group.course_code, group.label = courses[group.course_id]
        elif group.variants:  # a free-text topic reads as most municipalities wrote it
            group.label = group.variants.most_common(1)[0][0]

    if by_municipality:
        for mid, name, sort in db.session.execute(
            select(Municipality.id, Municipality.name, Municipality.sort_key).where(
                Municipality.id.in_(sorted(by_municipality))
            )
        ):
            by_municipality[mid].name, by_municipality[mid].sort_key = name, sort
    topics = sorted(groups.values(), key=TopicDemand.sort_key)
    municipalities = sorted(by_municipality.values(), key=lambda m: (-m.people, m.sort_key))
    return Demand(call, topics, municipalities)


# --- the office's decisions on topics ---------------------------------------------------------


def map_topic(topic_key: str, course_id: int | None, merged_into_key: str | None, by) -> None:
    """Say that a free-text topic is a course of the catalogue, or the same as another topic."""
    topic_key = (topic_key or "").strip()
    if not topic_key:
        raise DomainError(_("Choose a topic."))
    if course_id is None and not merged_into_key:
        raise DomainError(_("Choose a training or a topic to merge into."), field="course_id")
    if course_id is not None and db.session.get(Course, course_id) is None:
        raise DomainError(_("Choose a training from the list."), field="course_id")
    mappings = {m.topic_key: m for m in db.session.scalars(select(TopicMapping))}
    if course_id is None:
        merged_into_key = merged_into_key.strip()
        if merged_into_key.startswith("topic:"):
            merged_into_key = merged_into_key.removeprefix("topic:")
        elif merged_into_key.startswith("course:"):
            course_id, merged_into_key = int(merged_into_key.removeprefix("course:")), None
            if db.session.get(Course, course_id) is None:
                raise DomainError(_("Choose a training from the list."), field="course_id")
    if course_id is None:
        final, _course = _resolve(merged_into_key, mappings)
        if final == topic_key or merged_into_key == topic_key:
            raise DomainError(_("A topic cannot be merged into itself."), field="merged_into_key")
    mapping = mappings.get(topic_key)
    old = None
    if mapping is None:
        mapping = TopicMapping(topic_key=topic_key, created_by_id=by.id if by else None)
        db.session.add(mapping)
    else:
        old = [mapping.course_id, mapping.merged_into_key]
    mapping.course_id = course_id
    mapping.merged_into_key = None if course_id is not None else merged_into_key
    db.session.flush()
    audit.record(
        "topic.map",
        mapping,
        {"topic": topic_key, "mapping": [old, [mapping.course_id, mapping.merged_into_key]]},
        actor=by,
    )


def unmap_topic(topic_key: str, by) -> None:
    mapping = db.session.scalar(select(TopicMapping).where(TopicMapping.topic_key == topic_key))
    if mapping is None:
        return
    audit.record(
        "topic.unmap",
        mapping,
        {"topic": topic_key, "mapping": [mapping.course_id, mapping.merged_into_key]},
        actor=by,
    )
    db.session.delete(mapping)
    db.session.flush()


def topic_mappings() -> list[TopicMapping]:
    return list(db.session.scalars(select(TopicMapping).order_by(TopicMapping.topic_key)))
