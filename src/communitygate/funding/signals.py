"""What funding tells the apps above it, inside the transaction of the change (so what they
write with it — supervision's `payment_overdue` violation — commits or rolls back with it).

- `payment_overdue(share)`: an OverdueShare was just recorded (once per commitment, community
  and period: its unique constraint makes a second run send nothing).
"""

from django.dispatch import Signal

payment_overdue = Signal()
