"""Errors that carry a message for the person who caused them."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the handler layer shows it in the person's language.

    ``key`` names a string in ``content/locales``; ``params`` fill it in. ``block`` names
    the modal input the error belongs to (its block id), so a form shows it right there;
    on a command or a button the error is an ephemeral reply.
    """

    def __init__(self, key: str, *, block: str | None = None, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.block = block
        self.params = params

    def on(self, block: str) -> UserError:
        """This error, shown under ``block`` unless it already names its own."""
        if self.block is None:
            self.block = block
        return self


class FieldErrors(UserError):
    """Several inputs of one form are wrong at once: ``{block id: error}``."""

    def __init__(self, errors: dict[str, UserError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.key, block=next(iter(errors)), **first.params)
        self.errors = {block: error.on(block) for block, error in errors.items()}
