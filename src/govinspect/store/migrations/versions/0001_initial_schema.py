"""Initial schema: units, sites, accounts, runs, results, tracked findings and their occurrences.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('rules', sa.String(length=200), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(), nullable=True),
    sa.Column('snapshot_dir', sa.String(length=1000), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['runs.id'], name=op.f('fk_runs_parent_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_runs'))
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_runs_period'), ['period'], unique=False)

    op.create_table('units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('name', name=op.f('uq_units_name'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('platform_id', sa.String(length=200), nullable=True),
    sa.Column('source', sa.JSON(), nullable=False),
    sa.Column('messages', sa.JSON(), nullable=True),
    sa.Column('official_matrix', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closed_kind', sa.String(length=20), nullable=True),
    sa.Column('source_ref', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_accounts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('platform', 'name', name='uq_accounts_platform_name')
    )
    op.create_table('sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('site_code', sa.String(length=40), nullable=True),
    sa.Column('search_url', sa.String(length=1000), nullable=True),
    sa.Column('overrides', sa.JSON(), nullable=False),
    sa.Column('source_ref', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('archived_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_sites_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sites')),
    sa.UniqueConstraint('url', name=op.f('uq_sites_url'))
    )
    op.create_table('account_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('verdict_label', sa.String(length=20), nullable=False),
    sa.Column('checked', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_account_results_account_id_accounts')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_account_results_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_results')),
    sa.UniqueConstraint('run_id', 'account_id', name='uq_account_results_run_account')
    )
    with op.batch_alter_table('account_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_results_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_results_run_id'), ['run_id'], unique=False)

    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=True),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.Text(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('first_seen', sa.Date(), nullable=False),
    sa.Column('first_run_id', sa.Integer(), nullable=True),
    sa.Column('last_seen', sa.Date(), nullable=False),
    sa.Column('last_run_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.Date(), nullable=True),
    sa.Column('resolved_run_id', sa.Integer(), nullable=True),
    sa.Column('review', sa.String(length=20), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=True),
    sa.Column('owner_status', sa.String(length=20), nullable=True),
    sa.Column('owner_reason', sa.Text(), nullable=True),
    sa.Column('owner_at', sa.DateTime(), nullable=True),
    sa.Column('rectification', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_findings_account_id_accounts')),
    sa.ForeignKeyConstraint(['first_run_id'], ['runs.id'], name=op.f('fk_findings_first_run_id_runs')),
    sa.ForeignKeyConstraint(['last_run_id'], ['runs.id'], name=op.f('fk_findings_last_run_id_runs')),
    sa.ForeignKeyConstraint(['resolved_run_id'], ['runs.id'], name=op.f('fk_findings_resolved_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_findings_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    sa.UniqueConstraint('subject', 'key_hash', name='uq_findings_subject_key')
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_account_open', ['account_id', 'resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_code'), ['code'], unique=False)
        batch_op.create_index('ix_findings_site_open', ['site_id', 'resolved_at'], unique=False)

    op.create_table('site_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=10), nullable=False),
    sa.Column('verdict_label', sa.String(length=20), nullable=False),
    sa.Column('vetoed', sa.Boolean(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('deductions', sa.Float(), nullable=False),
    sa.Column('pages_crawled', sa.Integer(), nullable=False),
    sa.Column('veto_reasons', sa.JSON(), nullable=False),
    sa.Column('near_veto', sa.JSON(), nullable=False),
    sa.Column('stats', sa.JSON(), nullable=False),
    sa.Column('snapshot_path', sa.String(length=1000), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_site_results_run_id_runs')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_site_results_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_results')),
    sa.UniqueConstraint('run_id', 'site_id', name='uq_site_results_run_site')
    )
    with op.batch_alter_table('site_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_results_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_results_site_id'), ['site_id'], unique=False)

    op.create_table('occurrences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_occurrences_finding_id_findings')),
    sa.ForeignKeyConstraint(['run_id'], ['runs.id'], name=op.f('fk_occurrences_run_id_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occurrences')),
    sa.UniqueConstraint('run_id', 'finding_id', name='uq_occurrences_run_finding')
    )
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occurrences_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occurrences_run_id'), ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('occurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occurrences_run_id'))
        batch_op.drop_index(batch_op.f('ix_occurrences_finding_id'))

    op.drop_table('occurrences')
    with op.batch_alter_table('site_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_results_site_id'))
        batch_op.drop_index(batch_op.f('ix_site_results_run_id'))

    op.drop_table('site_results')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_site_open')
        batch_op.drop_index(batch_op.f('ix_findings_code'))
        batch_op.drop_index('ix_findings_account_open')

    op.drop_table('findings')
    with op.batch_alter_table('account_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_results_run_id'))
        batch_op.drop_index(batch_op.f('ix_account_results_account_id'))

    op.drop_table('account_results')
    op.drop_table('sites')
    op.drop_table('accounts')
    op.drop_table('units')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_runs_period'))

    op.drop_table('runs')
