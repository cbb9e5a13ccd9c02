"""named vocabularies: CHECK constraints on the enum-valued columns

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 09:00:00.000000

Every string column that holds an enum's value (timeline entry kinds, statuses,
moderation states, severities, clock, photo, rating, calendar, extension,
notification and device vocabularies) may only hold one of its values. The
values are written out here as they are today (a migration must not change
when the code does); the models declare the same constraints from the enums,
and tests/backend/test_vocabularies.py checks the two agree. NULL passes a
CHECK: nullable columns (moderation_status, from_status) stay nullable.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: table -> column -> allowed values
CHECKS = {
    'admin_units': {
        'kind': (
            'province', 'city', 'district', 'commune', 'ward', 'special_zone',
        ),
    },
    'calendar_exceptions': {
        'kind': (
            'day_off', 'working_day', 'ignore_holiday',
        ),
    },
    'categories': {
        'default_severity': (
            'urgent', 'normal', 'complex',
        ),
    },
    'departments': {
        'kind': (
            'provincial_department', 'peoples_committee', 'utility', 'police', 'coordinator',
        ),
    },
    'reports': {
        'location_source': (
            'device', 'photo_exif',
        ),
        'moderation_status': (
            'pending', 'approved', 'rejected',
        ),
        'severity': (
            'urgent', 'normal', 'complex',
        ),
        'status': (
            'new', 'assigned', 'in_progress', 'resolved', 'closed', 'returned', 'rejected',
            'duplicate',
        ),
    },
    'staff_users': {
        'role': (
            'admin', 'coordinator', 'moderator', 'department_head', 'department_officer',
        ),
    },
    'devices': {
        'locale': (
            'vi', 'en',
        ),
        'platform': (
            'android', 'ios', 'web',
        ),
    },
    'photos': {
        'kind': (
            'before', 'after',
        ),
        'rendition_status': (
            'pending', 'ready', 'failed', 'removed',
        ),
    },
    'report_clocks': {
        'kind': (
            'accept', 'handle', 'publish',
        ),
    },
    'report_events': {
        'actor_kind': (
            'resident', 'staff', 'system',
        ),
        'from_status': (
            'new', 'assigned', 'in_progress', 'resolved', 'closed', 'returned', 'rejected',
            'duplicate',
        ),
        'to_status': (
            'new', 'assigned', 'in_progress', 'resolved', 'closed', 'returned', 'rejected',
            'duplicate',
        ),
        'type': (
            'submit', 'assign', 'forward', 'accept', 'start', 'update', 'resolve', 'return',
            'reject', 'mark_duplicate', 'close', 'reopen', 'request_info', 'provide_info',
            'sla_reminder', 'overdue', 'escalated', 'apology', 'apology_reminder',
            'promise_missed', 'extension_requested', 'extension_decided', 'rated',
            'follower_feedback', 'moderation_approved', 'text_edited', 'photo_hidden',
            'photo_shown', 'merged_in', 'reporter_locked', 'reporter_unlocked',
        ),
    },
    'report_followers': {
        'source': (
            'me_too', 'merged',
        ),
    },
    'sla_policies': {
        'severity': (
            'urgent', 'normal', 'complex',
        ),
    },
    'extension_requests': {
        'status': (
            'pending', 'approved', 'denied', 'cancelled',
        ),
    },
    'notifications': {
        'kind': (
            'received', 'assigned', 'started', 'update', 'resolved', 'apology', 'rejected',
            'info_requested', 'new_assignment', 'accept_reminder', 'sla_reminder',
            'accept_overdue', 'overdue', 'accept_escalated', 'escalated', 'promise_escalated',
            'extension_decided', 'resident_rated', 'report_reopened',
        ),
        'status': (
            'pending', 'sent', 'recorded', 'failed',
        ),
    },
    'report_ratings': {
        'kind': (
            'reporter', 'follower',
        ),
    },
}


def _condition(column, values):
    return "{} IN ({})".format(column, ", ".join("'{}'".format(v) for v in values))


def upgrade():
    for table, columns in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in columns.items():
                batch_op.create_check_constraint(
                    op.f('ck_{}_{}'.format(table, column)), _condition(column, values)
                )


def downgrade():
    for table, columns in reversed(list(CHECKS.items())):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.drop_constraint(op.f('ck_{}_{}'.format(table, column)), type_='check')
