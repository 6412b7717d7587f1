"""`python -m bench [fanout|latency|queries|expiry|multi|all] [--small]`: one JSON line per benchmark."""

from __future__ import annotations

import json
import logging
import sys

from bench import fanout, latency, multi_instance, queries

FULL = {
    "fanout": lambda: fanout.run(agents=2000, ceiling=100.0, naive_agents=100),
    "latency": lambda: latency.run(clicks=2000),
    "queries": lambda: queries.team_views((10, 100, 1000)),
    "expiry": lambda: queries.expiry_scan(100_000),
    "multi": lambda: multi_instance.run(agents=200, days=7),
}
SMALL = {
    "fanout": lambda: fanout.run(agents=40, ceiling=100.0, naive_agents=5),
    "latency": lambda: latency.run(clicks=40),
    "queries": lambda: queries.team_views((5, 20)),
    "expiry": lambda: queries.expiry_scan(2_000),
    "multi": lambda: multi_instance.run(agents=10, days=2),
}


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    suite = SMALL if "--small" in argv else FULL
    names = [a for a in argv if not a.startswith("--")] or ["all"]
    for name in suite if names == ["all"] else names:
        print(json.dumps(suite[name]()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
