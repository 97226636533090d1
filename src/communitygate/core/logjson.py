"""Structured logs: one JSON object per line, for a log shipper (COMMUNITYGATE_LOG_FORMAT=json).

Each line has `time` (UTC, ISO 8601 with milliseconds), `level`, `logger`, `message` and, during
a web request, `request_id` (core.context: the id the audit log records, so a log line and an
audit event of one request can be joined); a traceback goes in `exception`. The masking filter
(core.logmask) runs on the handler before this formatter, so `message` and `exception` are
already masked. Non-ASCII text (Chinese) is written as is.

A formatter of our own rather than python-json-logger: it is these few lines, and the fields are
fixed by what the audit log needs to be joined, not configured.
"""

import datetime as dt
import json
import logging

from communitygate.core.context import request_meta_or_none


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        meta = request_meta_or_none()
        if meta is not None:
            line["request_id"] = meta.request_id
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False, default=str)
