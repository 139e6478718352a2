"""assessment runs (USGS three-part assessment jobs of a tract)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from critmin.store.geometry import GeometryWKB

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('geom', GeometryWKB("GEOMETRY"), nullable=True),
    sa.Column('tract_wkt', sa.Text(), nullable=True),
    sa.Column('tract_area_km2', sa.Float(), nullable=True),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('parameters', sa.JSON(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('trials', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('provenance', sa.JSON(), nullable=True),
    sa.Column('artefact_dir', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('assessment_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_run_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_assessment_run_status', ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('assessment_run', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_run_status')
        batch_op.drop_index(batch_op.f('ix_assessment_run_organisation_id'))

    op.drop_table('assessment_run')
