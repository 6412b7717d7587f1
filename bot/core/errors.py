"""Errors that carry a message for the person who caused them."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the handler layer shows it as an ephemeral reply.

    ``key`` names a string in ``content/locales``; ``params`` fill it in.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
