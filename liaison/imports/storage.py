"""Where uploads wait between preview and commit, and how big they may be.

Files are kept under MEDIA_ROOT/imports/, which no URL serves (see MEDIA_URL), each named by
its run's random id, for at most IMPORT_KEEP_HOURS. Services write and delete them; selectors
read them back.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from liaison.core.errors import reject

logger = logging.getLogger(__name__)


def import_max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def import_keep_for() -> dt.timedelta:
    return dt.timedelta(hours=int(getattr(settings, "IMPORT_KEEP_HOURS", 24)))


def import_storage_dir() -> Path:
    """The private folder kept uploads wait in (created on first use)."""
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def size_error(size: int) -> ValidationError:
    limit = import_max_bytes()
    return reject(
        "file",
        f"The file is {size / 1048576:.1f} MB; imports take files up to {limit / 1048576:.0f} MB. Split it into parts.",
        code="imports.file_too_large",
    )


def kept_file_delete(stored: str) -> None:
    """Delete a kept upload by its stored name; a failure is logged (the hourly purge retries)."""
    try:
        (import_storage_dir() / Path(stored).name).unlink(missing_ok=True)
    except OSError:
        logger.exception("Could not delete kept import file %s", stored)
