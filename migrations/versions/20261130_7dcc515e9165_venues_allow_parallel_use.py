"""venues: allows_parallel_use (a hall holds one meeting at a time unless marked otherwise)

Revision ID: 7dcc515e9165
Revises: 6cd71f320107
Create Date: 2026-11-30 00:44:51.323420

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7dcc515e9165"
down_revision = "6cd71f320107"
branch_labels = None
depends_on = None


def upgrade():
    # Existing venues become single-use halls: new overlapping bookings are refused from now on.
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "allows_parallel_use",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_column("allows_parallel_use")
