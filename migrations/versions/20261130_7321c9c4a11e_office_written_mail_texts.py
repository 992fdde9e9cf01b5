"""Office-written mail texts: one subject and body per mail kind and language

Revision ID: 7321c9c4a11e
Revises: ce7ac75438e6
Create Date: 2026-11-30 03:51:01.560223

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7321c9c4a11e'
down_revision = 'ce7ac75438e6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_texts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['users.id'], name=op.f('fk_mail_texts_updated_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_texts')),
    sa.UniqueConstraint('kind', 'locale', name='uq_mail_texts_kind_locale')
    )


def downgrade():
    op.drop_table('mail_texts')
