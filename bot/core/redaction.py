"""Secrets never reach the logs: every log record is scrubbed of Slack tokens and of the
configured secrets before any handler formats it."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

TOKEN = re.compile(r"\b(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+)")
MASK = "[redacted]"

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def scrub(text: str) -> str:
    text = TOKEN.sub(MASK, text)
    for secret in _secrets:
        text = text.replace(secret, MASK)
    return text


def install(secrets: Iterable[str | None] = ()) -> None:
    """Wrap the log record factory once; later calls only add secrets to hide."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= 8)
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            try:
                message = record.getMessage()
            except Exception:  # a broken format string: leave it for logging to report
                return record
            record.msg, record.args = scrub(message), None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
                record.exc_info = None
            return record

        logging.setLogRecordFactory(factory)
