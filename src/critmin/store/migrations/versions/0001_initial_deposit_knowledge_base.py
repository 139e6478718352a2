"""initial deposit knowledge base

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from critmin.store.geometry import GeometryWKB

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table('link_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_a', sa.String(length=512), nullable=False),
    sa.Column('record_id_a', sa.String(length=512), nullable=False),
    sa.Column('source_b', sa.String(length=512), nullable=False),
    sa.Column('record_id_b', sa.String(length=512), nullable=False),
    sa.Column('same', sa.Boolean(), nullable=False),
    sa.Column('curator', sa.String(length=256), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('source_a', 'record_id_a', 'source_b', 'record_id_b', name='uq_link_decision_pair')
    )
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    op.create_table('dataset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=512), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=16), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('records_distinct', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'source', name='uq_dataset_org_source')
    )
    op.create_table('site',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.String(length=512), nullable=False),
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('name_norm', sa.String(length=512), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('geom', GeometryWKB("POINT"), nullable=True),
    sa.Column('footprint_wkt', sa.Text(), nullable=True),
    sa.Column('crs', sa.String(length=64), nullable=False),
    sa.Column('location_accuracy_m', sa.Float(), nullable=True),
    sa.Column('location_quality', sa.String(length=128), nullable=True),
    sa.Column('country', sa.String(length=128), nullable=True),
    sa.Column('state', sa.String(length=256), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('commodities', sa.Text(), nullable=False),
    sa.Column('deposit_type', sa.String(length=256), nullable=True),
    sa.Column('deposit_group', sa.String(length=256), nullable=True),
    sa.Column('deposit_environment', sa.String(length=128), nullable=True),
    sa.Column('cox_singer_code', sa.String(length=32), nullable=True),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('source_file', sa.Text(), nullable=True),
    sa.Column('source_row', sa.Integer(), nullable=True),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('canonical_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dataset_id'], ['dataset.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dataset_id', 'record_id', name='uq_site_dataset_record')
    )
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.create_index('ix_site_canonical', ['canonical_id'], unique=False)
        batch_op.create_index('ix_site_country', ['country'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index('ix_site_deposit_type', ['deposit_type'], unique=False)
        batch_op.create_index('ix_site_name_norm', ['name_norm'], unique=False)
        batch_op.create_index('ix_site_status', ['status'], unique=False)

    op.create_table('inventory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('commodity', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('classification_method', sa.String(length=32), nullable=False),
    sa.Column('unfc_code', sa.String(length=16), nullable=True),
    sa.Column('ore_t', sa.Float(), nullable=True),
    sa.Column('grade_pct', sa.Float(), nullable=True),
    sa.Column('grade_mg_per_l', sa.Float(), nullable=True),
    sa.Column('contained_t', sa.Float(), nullable=True),
    sa.Column('cutoff', sa.Text(), nullable=True),
    sa.Column('date', sa.String(length=32), nullable=True),
    sa.Column('material_form', sa.String(length=64), nullable=True),
    sa.Column('zone', sa.Text(), nullable=True),
    sa.Column('ore_value', sa.Float(), nullable=True),
    sa.Column('ore_unit', sa.String(length=64), nullable=True),
    sa.Column('grade_value', sa.Float(), nullable=True),
    sa.Column('grade_unit', sa.String(length=64), nullable=True),
    sa.Column('contained_value', sa.Float(), nullable=True),
    sa.Column('contained_unit', sa.String(length=64), nullable=True),
    sa.Column('reference', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('inventory', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inventory_site_id'), ['site_id'], unique=False)

    op.create_table('site_commodity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('observed', sa.Text(), nullable=False),
    sa.Column('dataset_id', sa.Integer(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site_commodity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_commodity_site_id'), ['site_id'], unique=False)
        batch_op.create_index('ix_site_commodity_symbol_xy', ['symbol', 'lon', 'lat', 'dataset_id', 'site_id'],
                              unique=False)

    op.create_table('site_deposit_type',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('group_name', sa.Text(), nullable=True),
    sa.Column('environment', sa.Text(), nullable=True),
    sa.Column('cox_singer_code', sa.String(length=32), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=True),
    sa.Column('source', sa.Text(), nullable=True),
    sa.Column('observed', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('site_deposit_type', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_deposit_type_site_id'), ['site_id'], unique=False)

    op.create_table('site_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_a_id', sa.Integer(), nullable=False),
    sa.Column('site_b_id', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Float(), nullable=False),
    sa.Column('same', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=16), nullable=False),
    sa.Column('method', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_a_id'], ['site.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_b_id'], ['site.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('site_a_id', 'site_b_id', name='uq_site_link_pair')
    )
    with op.batch_alter_table('site_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_link_site_a_id'), ['site_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_link_site_b_id'), ['site_b_id'], unique=False)
    _create_spatial_index()


SQLITE_RTREE = [
    "CREATE VIRTUAL TABLE site_rtree USING rtree(id, minx, maxx, miny, maxy)",
    "CREATE TRIGGER site_rtree_insert AFTER INSERT ON site WHEN new.lon IS NOT NULL AND new.lat IS NOT NULL "
    "BEGIN INSERT INTO site_rtree VALUES (new.id, new.lon, new.lon, new.lat, new.lat); END",
    "CREATE TRIGGER site_rtree_update AFTER UPDATE OF lon, lat ON site "
    "BEGIN DELETE FROM site_rtree WHERE id = old.id; "
    "INSERT INTO site_rtree SELECT new.id, new.lon, new.lon, new.lat, new.lat "
    "WHERE new.lon IS NOT NULL AND new.lat IS NOT NULL; END",
    "CREATE TRIGGER site_rtree_delete AFTER DELETE ON site BEGIN DELETE FROM site_rtree WHERE id = old.id; END",
]


def _create_spatial_index() -> None:
    """SQLite: an R*Tree mirrored by triggers; PostgreSQL: PostGIS + a GiST index on site.geom."""
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for stmt in SQLITE_RTREE:
            op.execute(stmt)
    elif bind.dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_site_geom ON site USING gist (geom)")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS site_rtree")
    with op.batch_alter_table('site_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_link_site_b_id'))
        batch_op.drop_index(batch_op.f('ix_site_link_site_a_id'))

    op.drop_table('site_link')
    with op.batch_alter_table('site_deposit_type', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_deposit_type_site_id'))

    op.drop_table('site_deposit_type')
    with op.batch_alter_table('site_commodity', schema=None) as batch_op:
        batch_op.drop_index('ix_site_commodity_symbol_xy')
        batch_op.drop_index(batch_op.f('ix_site_commodity_site_id'))

    op.drop_table('site_commodity')
    with op.batch_alter_table('inventory', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inventory_site_id'))

    op.drop_table('inventory')
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_index('ix_site_status')
        batch_op.drop_index('ix_site_name_norm')
        batch_op.drop_index('ix_site_deposit_type')
        batch_op.drop_index(batch_op.f('ix_site_dataset_id'))
        batch_op.drop_index('ix_site_country')
        batch_op.drop_index('ix_site_canonical')

    op.drop_table('site')
    op.drop_table('dataset')
    op.drop_table('organisation')
    op.drop_table('link_decision')
