"""attendance mark changes: client id and applied flag for marks made offline

Revision ID: 7f58e03e6156
Revises: c37b2a615bff
Create Date: 2026-11-30 00:47:22.665522

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7f58e03e6156"
down_revision = 'c37b2a615bff'
branch_labels = None
depends_on = None


def upgrade():
    # Every mark recorded so far was applied when it arrived.
    with op.batch_alter_table("attendance_mark_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column("applied", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_attendance_mark_changes_client_id"), ["client_id"]
        )


def downgrade():
    with op.batch_alter_table("attendance_mark_changes", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_attendance_mark_changes_client_id"), type_="unique"
        )
        batch_op.drop_column("applied")
        batch_op.drop_column("client_id")
