"""Shared foundations with no dependency on other CommunityGate apps: errors, clock, request context."""
