"""Bot tokens sealed at rest: slack_sdk's SQLAlchemy installation store, with every token
encrypted (Fernet) on the way in and opened on the way out, under ``COACHBOT_TOKEN_KEYS``.

Several keys, newest first, make rotation a restart: the first key seals, every key opens
(MultiFernet), and a token sealed under an old key is sealed again under the new one the
next time its install is saved. A token stored before keys were set (plain ``xox…``) is
read as it is, so turning encryption on needs no migration.
"""

from __future__ import annotations

import copy
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

TOKEN_FIELDS = ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token")
SEALED_PREFIX = "gAAAAA"  # every Fernet token starts so; Slack's start with xox


def key_ring(keys: str) -> MultiFernet:
    """``COACHBOT_TOKEN_KEYS``: Fernet keys (``Fernet.generate_key()``), comma-separated."""
    try:
        return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])
    except (ValueError, TypeError) as error:
        raise ValueError(f"COACHBOT_TOKEN_KEYS: not Fernet keys ({error})") from None


class SealedInstallationStore(SQLAlchemyInstallationStore):
    def __init__(self, *, ring: MultiFernet, **options: Any) -> None:
        super().__init__(**options)
        self.ring = ring

    def seal(self, token: str | None) -> str | None:
        if not token or token.startswith(SEALED_PREFIX):
            return token  # nothing, or sealed already (save() passes its bot on to save_bot)
        return self.ring.encrypt(token.encode()).decode()

    def open(self, token: str | None) -> str | None:
        if not token or not token.startswith(SEALED_PREFIX):
            return token  # stored before keys were set
        try:
            return self.ring.decrypt(token.encode()).decode()
        except InvalidToken:
            raise ValueError("a stored bot token cannot be opened: is its key still in COACHBOT_TOKEN_KEYS?") from None

    def _with(self, record: Any, change: Any) -> Any:
        copied = copy.copy(record)
        for name in TOKEN_FIELDS:
            if hasattr(copied, name):
                setattr(copied, name, change(getattr(copied, name)))
        return copied

    def save(self, installation: Installation) -> None:
        super().save(self._with(installation, self.seal))

    def save_bot(self, bot: Bot) -> None:
        super().save_bot(self._with(bot, self.seal))

    def find_bot(self, **kwargs: Any) -> Bot | None:
        bot = super().find_bot(**kwargs)
        return None if bot is None else self._with(bot, self.open)

    def find_installation(self, **kwargs: Any) -> Installation | None:
        installation = super().find_installation(**kwargs)
        return None if installation is None else self._with(installation, self.open)
