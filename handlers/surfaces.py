"""One error path per Slack surface, so no listener writes its own.

- a slash command answers in its ack: a :class:`UserError` becomes an ephemeral reply;
- a button acks at once and does its work on the runtime's work pool (Bolt's threads
  must stay free for the next click's ack); errors come back through ``response_url``;
- a modal submission answers in its ack: a :class:`UserError` naming its input is shown
  under it (``response_action: errors``); one about the whole form, and the apology with
  an error id for anything unexpected, replace the form (``response_action: update``), so
  the person never sees Slack's generic failure;
- an event has nobody to answer: errors are logged with an id.

Listeners name the arguments they need (``incoming`` is the :class:`SlackRequest` the
request middleware built) and are wrapped with :func:`command`, :func:`button`,
:func:`modal` or :func:`event` when registered.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from bot.core.errors import FieldErrors, UserError
from handlers.request import AlreadyHandled, SlackRequest

log = logging.getLogger(__name__)

Listener = Callable[..., None]


def command(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        _run(incoming, lambda: _with_asker(listener, kwargs))
        incoming.ack()  # whatever happened, Slack gets its answer within the 3 seconds

    return run


def button(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        incoming.ack()
        answering(incoming, lambda: _with_asker(listener, kwargs))

    return run


def modal(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        view: dict[str, Any] = kwargs.get("view") or (kwargs.get("body") or {}).get("view") or {}
        try:
            _with_asker(listener, kwargs)
        except AlreadyHandled:
            pass  # the form was handled on its first submission; this closes it
        except FieldErrors as errors:
            _show_in_form(incoming, view, {block: incoming.error_text(e) for block, e in errors.errors.items()})
        except UserError as error:
            if error.block:
                _show_in_form(incoming, view, {error.block: incoming.error_text(error)})
            else:  # about the whole form (not your team, not in the roster): no field to put it under
                _replace_form(incoming, incoming.error_text(error))
        except Exception as exc:
            _replace_form(incoming, incoming.apology_text(exc))
        incoming.ack()

    return run


def event(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        try:
            listener(**kwargs)
        except UserError as error:
            log.info("event for %s refused: %s", incoming.user_id, error.key)
        except Exception as exc:
            incoming.apology_text(exc)  # logs it with an id; nobody is waiting for an answer

    return run


def _with_asker(listener: Listener, kwargs: dict[str, Any]) -> None:
    """Read who is asking before the listener opens its own transaction: the lazy read
    would otherwise open a second one inside it (and wait for its own write lock)."""
    kwargs["incoming"].member  # noqa: B018
    listener(**kwargs)


def _show_in_form(incoming: SlackRequest, view: dict[str, Any], errors: dict[str, str]) -> None:
    """Each error under its input (``response_action: errors``); Slack refuses an error for a
    block the form does not have, so such errors replace the form instead."""
    inputs = {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}
    inputs |= set(((view.get("state") or {}).get("values") or {}).keys())  # keyed by input block id
    if not inputs and not view.get("blocks"):  # a view without its form (forged): nothing to check against
        inputs = set(errors)
    shown = {block: text for block, text in errors.items() if block in inputs}
    if shown:
        incoming.ack(response_action="errors", errors=shown)
    else:
        _replace_form(incoming, "\n".join(errors.values()))


def _replace_form(incoming: SlackRequest, text: str) -> None:
    """Replace the form with the message and a close button (``response_action: update``)."""
    view = incoming.deps.renderer.view("error_modal", incoming.safe_locale(), text=text)
    incoming.ack(response_action="update", view=view)


def answering(request: SlackRequest, work: Callable[[], None]) -> None:
    """Run ``work``; turn what goes wrong into a message the person can act on.

    Once Slack has its ack, the work moves to the runtime's small work pool: Bolt runs
    every listener, ack included, on its own threads, and those must stay free for the
    next click's ack however long the database takes.
    """
    executor = request.deps.after_ack
    if request.acked and executor is not None:
        executor.submit(_run, request, work).add_done_callback(_log_failure)
    else:
        _run(request, work)


def _log_failure(future: Future[None]) -> None:
    """Even the apology failed (say Slack was unreachable): at least the log has it."""
    error = future.exception()
    if error is not None:
        log.error("could not answer a request after its ack: %r", error, exc_info=error)


def _run(request: SlackRequest, work: Callable[[], None]) -> None:
    try:
        work()
    except AlreadyHandled:
        log.info("a repeated delivery of %s was dropped", request.key)
    except UserError as error:
        request.fail(error)
    except Exception as exc:
        request.apologise(exc)
