"""Dispatch (派单): departments' tasks to communities, the gate that admits or marks them, the
community inbox, one-step refusal, and reports of work pushed off the platform."""
