"""Browser storage state (cookies + local storage) per platform account, encrypted at rest.

DESIGN.md §3, §4 "secrets": the state is a live login to a creator's account, so it is stored
with :func:`huntaze.core.security.encrypt_secret` in ``<data dir>/browser-state/<account>.enc``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from huntaze.core.security import DecryptionError, decrypt_secret, encrypt_secret

log = logging.getLogger(__name__)
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")


class StateStore:
    """Reads and writes the encrypted storage state of each account under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, account_id: str) -> Path:
        """The file of ``account_id`` (hashed when the id is not a plain file name)."""
        name = account_id if _SAFE_NAME.match(account_id) else _digest(account_id)
        return self.root / f"{name}.enc"

    def load(self, account_id: str) -> dict[str, Any] | None:
        """The saved state, or None when there is none or it cannot be decrypted."""
        path = self.path_of(account_id)
        try:
            token = path.read_text()
        except FileNotFoundError:
            return None
        try:
            state = json.loads(decrypt_secret(token))
        except (DecryptionError, ValueError):
            log.warning("browser state of %s is unreadable; starting without it", account_id)
            return None
        return state if isinstance(state, dict) else None

    def save(self, account_id: str, state: dict[str, Any]) -> None:
        """Replace the saved state atomically."""
        path = self.path_of(account_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(encrypt_secret(json.dumps(state)))
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def delete(self, account_id: str) -> None:
        """Forget the saved state (the next use logs in again)."""
        self.path_of(account_id).unlink(missing_ok=True)


def _digest(account_id: str) -> str:
    return hashlib.sha256(account_id.encode()).hexdigest()[:32]
