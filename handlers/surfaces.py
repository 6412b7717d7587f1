"""One error path per Slack surface, so no listener writes its own.

- a slash command answers in its ack: a :class:`UserError` becomes an ephemeral reply;
- a button acks at once and does its work on the runtime's work pool (Bolt's threads
  must stay free for the next click's ack); errors come back through ``response_url``;
- a modal submission answers in its ack: a :class:`UserError` is shown under its field
  (``response_action: errors``), and so is the apology for anything unexpected, so the
  person sees an error id instead of Slack's generic failure;
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
from handlers.request import SlackRequest

log = logging.getLogger(__name__)

Listener = Callable[..., None]


def command(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        _run(incoming, lambda: listener(**kwargs))
        incoming.ack()  # whatever happened, Slack gets its answer within the 3 seconds

    return run


def button(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        incoming.ack()
        answering(incoming, lambda: listener(**kwargs))

    return run


def modal(listener: Listener) -> Listener:
    @functools.wraps(listener)
    def run(**kwargs: Any) -> None:
        incoming: SlackRequest = kwargs["incoming"]
        view: dict[str, Any] = kwargs.get("view") or (kwargs.get("body") or {}).get("view") or {}
        try:
            listener(**kwargs)
        except FieldErrors as errors:
            _show_in_form(incoming, view, {block: incoming.error_text(e) for block, e in errors.errors.items()})
        except UserError as error:
            _show_in_form(incoming, view, {error.block or first_input(view): incoming.error_text(error)})
        except Exception as exc:
            _show_in_form(incoming, view, {first_input(view): incoming.apology_text(exc)})
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


def first_input(view: dict[str, Any]) -> str:
    """The block id an error goes under when it names no field: the form's first input."""
    for block in view.get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return ""


def _show_in_form(incoming: SlackRequest, view: dict[str, Any], errors: dict[str, str]) -> None:
    inputs = {str(b.get("block_id")) for b in view.get("blocks") or [] if b.get("type") == "input"}
    inputs |= set(((view.get("state") or {}).get("values") or {}).keys())  # keyed by input block id
    if not inputs and not view.get("blocks"):  # a view without its form (forged): nothing to check against
        inputs = set(errors)
    shown = {block: text for block, text in errors.items() if block in inputs}
    if shown:
        incoming.ack(response_action="errors", errors=shown)
    else:  # no input to show it under: replace the form with the message
        text = "\n".join(errors.values())
        title = view.get("title") or {"type": "plain_text", "text": "Coachbot"}
        incoming.ack(
            response_action="update",
            view={
                "type": "modal",
                "title": title,
                "close": {"type": "plain_text", "text": "OK"},
                "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
            },
        )


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
    except UserError as error:
        request.fail(error)
    except Exception as exc:
        request.apologise(exc)
