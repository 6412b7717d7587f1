"""Reading values out of a submitted modal's state, whatever the input element."""

from __future__ import annotations

from typing import Any


def selected(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    """The value of one input: a select's option value, a picked time/date, or typed text."""
    element = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(action_id) or {}
    for key in ("selected_time", "selected_date", "value"):
        if isinstance(element.get(key), str):
            return str(element[key])
    option = element.get("selected_option")
    if isinstance(option, dict) and isinstance(option.get("value"), str):
        return str(option["value"])
    return None
