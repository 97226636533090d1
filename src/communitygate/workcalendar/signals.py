"""What the working-day calendar tells the apps above it.

`calendar_year_entered` is sent inside the transaction of `calendar_year_enter`, after the
year's days are saved, with `year` (int) and `actor`. Receivers that keep dates counted in
working days (residents' estimated answer-by dates) recount them in the same transaction, so
an entered year and the dates that depend on it change together or not at all.
"""

from django.dispatch import Signal

calendar_year_entered = Signal()
