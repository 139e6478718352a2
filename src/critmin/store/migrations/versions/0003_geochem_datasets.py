"""geochemistry datasets (uploaded assay files)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('geochem_dataset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('filename', sa.String(length=512), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('n_samples', sa.Integer(), nullable=False),
    sa.Column('units', sa.JSON(), nullable=False),
    sa.Column('analytes', sa.JSON(), nullable=False),
    sa.Column('id_columns', sa.JSON(), nullable=False),
    sa.Column('lon_column', sa.String(length=256), nullable=True),
    sa.Column('lat_column', sa.String(length=256), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('artefact_dir', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('geochem_dataset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_geochem_dataset_organisation_id'), ['organisation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('geochem_dataset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_geochem_dataset_organisation_id'))

    op.drop_table('geochem_dataset')
