"""The event log (操作日志): append-only, hash-chained, guarded by database triggers."""
