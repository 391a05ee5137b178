"""partners: guests have no delegation, so guest accounts carry no country code

A country code gives rights over a delegation's work (e.g. closing its action items); a guest
represents another organisation, never a member state's delegation. Codes that guests set on
their profile before this rule are cleared; downgrading cannot bring them back.

Revision ID: partners_0003
Revises: partners_0002
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "partners_0003"
down_revision = "partners_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(sa.text("UPDATE user_account SET country_code = NULL WHERE role = 'guest'"))


def downgrade():
    pass
