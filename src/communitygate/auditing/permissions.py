"""Who reads the auditor's workspace and its anomalies: the audit bureau alone.

The issue gives the workspace to the audit bureau. Supervision already hears of the one money
irregularity that is a violation (an overdue share, through funding.signals) and the office
records the commitments the anomalies judge, so neither reads the auditor's worklist; both keep
every money list (/funding/…) read-only. Opening the anomalies to supervision later is one line
here."""

from communitygate.accounts.permissions import is_auditor
from communitygate.core.people import AnyUser


def can_read_anomalies(user: AnyUser) -> bool:
    """The audit bureau's auditors."""
    return is_auditor(user)
