"""What dispatch tells the apps above it, inside the transaction of the change (so that what they
write with it — supervision's violation of an unadmitted task — commits or rolls back with it).

- `task_sent(task)`: a task and its assignments were just created (once per task: a retried
  request that finds its first task sends nothing).
- `off_platform_report_filed(report)`: a community recorded work pushed outside the platform.
"""

from django.dispatch import Signal

task_sent = Signal()
off_platform_report_filed = Signal()
