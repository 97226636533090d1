"""The audit bureau's audit log (审计日志): a page and an API over audit.selectors, for
`can_read_audit_log` only (separation of duties: the office that runs the system does not read
its audit records). They live here, above accounts and http, because the audit app sits below
both and may import neither."""
