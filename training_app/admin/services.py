"""Queries behind the administration screens."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Person, Role, RoleAssignment, User
from ..core.turkish import search_key
from ..extensions import db


def users_page(query_text: str = "", role: Role | None = None, page: int = 1, per_page: int = 50):
    """Users in Turkish alphabetical order of their names, filtered; a fixed number of queries."""
    query = (
        select(User)
        .outerjoin(Person, Person.user_id == User.id)
        .options(
            selectinload(User.person).selectinload(Person.municipality),
            selectinload(User.roles).selectinload(RoleAssignment.municipality),
        )
        .order_by(Person.sort_key, User.email)
    )
    if query_text:
        key = f"%{search_key(query_text)}%"
        query = query.where(
            Person.search_key.like(key) | User.email.like(f"%{query_text.lower()}%")
        )
    if role is not None:
        query = query.where(User.roles.any(RoleAssignment.role == role))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
