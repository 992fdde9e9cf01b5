"""users: email_confirmation_pending (self-registered accounts wait for the mailed link)

Revision ID: 85808af49530
Revises: 6ea22f01bfa6
Create Date: 2026-11-30 00:03:51.681934

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "85808af49530"
down_revision = "6ea22f01bfa6"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts have been in use: none of them waits for a confirmation.
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email_confirmation_pending",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_confirmation_pending")
