"""accounts, sharing, embargo and the append-only audit log

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'app_user',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=128), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column('password_hash', sa.String(length=256), nullable=True),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('created_at', _TS, nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username'),
    )
    op.create_index('ix_app_user_organisation_id', 'app_user', ['organisation_id'])
    op.create_table(
        'user_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'name', name='uq_user_group_org_name'),
    )
    op.create_index('ix_user_group_organisation_id', 'user_group', ['organisation_id'])
    op.create_table(
        'user_group_member',
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['group_id'], ['user_group.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('group_id', 'user_id'),
    )
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=128), nullable=False),
        sa.Column('token_sha256', sa.String(length=64), nullable=False),
        sa.Column('scopes', sa.JSON(), nullable=False),
        sa.Column('created_at', _TS, nullable=False),
        sa.Column('expires_at', _TS, nullable=True),
        sa.Column('revoked_at', _TS, nullable=True),
        sa.Column('last_used_at', _TS, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_sha256'),
    )
    op.create_index('ix_api_token_user_id', 'api_token', ['user_id'])
    op.create_table(
        'web_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('session_sha256', sa.String(length=64), nullable=False),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        sa.Column('created_at', _TS, nullable=False),
        sa.Column('expires_at', _TS, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_sha256'),
    )
    op.create_index('ix_web_session_user_id', 'web_session', ['user_id'])
    op.create_table(
        'record_share',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('record_type', sa.String(length=64), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('rights', sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('record_type', 'record_id', 'organisation_id', name='uq_record_share'),
    )
    op.create_index('ix_record_share_record', 'record_share', ['record_type', 'record_id'])
    op.create_table(
        'record_embargo',
        sa.Column('record_type', sa.String(length=64), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('public_from', _TS, nullable=False),
        sa.PrimaryKeyConstraint('record_type', 'record_id'),
    )
    op.create_table(
        'audit_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', _TS, nullable=False),
        sa.Column('actor', sa.String(length=128), nullable=True),
        sa.Column('organisation', sa.String(length=64), nullable=True),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target', sa.Text(), nullable=True),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('client', sa.String(length=64), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_audit_event_at', 'audit_event', ['at'])
    # append-only: the database itself refuses to change or delete an audit event
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("""CREATE FUNCTION critmin_audit_append_only() RETURNS trigger AS $$
                      BEGIN RAISE EXCEPTION 'audit_event is append-only'; END; $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
                      FOR EACH ROW EXECUTE FUNCTION critmin_audit_append_only()""")
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"""CREATE TRIGGER audit_event_no_{event.lower()} BEFORE {event} ON audit_event
                           BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS critmin_audit_append_only()")
    for name in ('audit_event', 'record_embargo', 'record_share', 'web_session', 'api_token', 'user_group_member',
                 'user_group', 'app_user'):
        op.drop_table(name)
