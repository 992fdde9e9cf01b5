"""meetings: online_code (the code a trainer says aloud; "Katıldım" requires it when set)

Revision ID: 0dd185a260bc
Revises: 7dcc515e9165
Create Date: 2026-11-30 00:47:07.739608

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0dd185a260bc"
down_revision = "7dcc515e9165"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("online_code", sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("online_code")
