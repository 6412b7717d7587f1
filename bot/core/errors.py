"""Errors that carry a message for the person who caused them."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the handler layer shows it in the person's language.

    ``key`` names a string in ``content/locales``; ``params`` fill it in. ``field`` names
    the modal input the error belongs to (its block id), so a form shows it right there;
    on a command or a button the error is an ephemeral reply.
    """

    def __init__(self, key: str, *, field: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params = params

    def on(self, field: str) -> UserError:
        """This error, shown under ``field`` unless it already names its own."""
        if self.field is None:
            self.field = field
        return self


class FieldErrors(UserError):
    """Several inputs of one form are wrong at once: ``{block id: error}``."""

    def __init__(self, errors: dict[str, UserError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.key, field=next(iter(errors)), **first.params)
        self.errors = {block: error.on(block) for block, error in errors.items()}
