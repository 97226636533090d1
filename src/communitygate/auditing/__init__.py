"""The audit bureau's workspace (审计): the money read-only, with filters and exports, and the
anomalies the platform finds (docs/funding.md)."""
