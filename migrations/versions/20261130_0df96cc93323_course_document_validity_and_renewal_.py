"""course document validity and renewal course

Revision ID: 0df96cc93323
Revises: 776901d9d4fb
Create Date: 2026-11-30 03:48:29.122254

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0df96cc93323"
down_revision = "776901d9d4fb"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("document_validity_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("renewal_course_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_courses_renewal_course_id_courses"),
            "courses",
            ["renewal_course_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_courses_document_validity_months_range"),
            "document_validity_months IS NULL OR document_validity_months BETWEEN 1 AND 120",
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_courses_renewal_is_another_course"),
            "renewal_course_id IS NULL OR renewal_course_id <> id",
        )


def downgrade():
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("ck_courses_renewal_is_another_course"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("ck_courses_document_validity_months_range"), type_="check"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_courses_renewal_course_id_courses"), type_="foreignkey"
        )
        batch_op.drop_column("renewal_course_id")
        batch_op.drop_column("document_validity_months")
