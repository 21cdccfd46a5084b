"""schedule: an outbox row outlives the visit it was about

Removing a plan from the tracker deletes its visits (ON DELETE CASCADE); the alerts and
chasers already sent about them must stay in the outbox as the record of what was sent,
so their ``visit_id`` becomes NULL instead of blocking the import.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FK = "fk_outbox_visit_id_visits"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.create_foreign_key(FK, "visits", ["visit_id"], ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(FK, type_="foreignkey")
        batch_op.create_foreign_key(FK, "visits", ["visit_id"], ["id"])
