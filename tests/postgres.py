"""A throwaway PostgreSQL server started from the installed binaries (never a mock).

PostgreSQL refuses to run as root, and CI runs as root, so the server runs as the
`postgres` user (runuser) in a data directory that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text


def postgres_bindir() -> Path | None:
    on_path = shutil.which("pg_ctl")
    candidates = [on_path] if on_path else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    for candidate in candidates:
        real = Path(candidate).resolve()
        if (real.parent / "initdb").exists():
            return real.parent
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def throwaway_server() -> Iterator[str]:
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries are not installed (`make test` installs them)")
    as_root = os.geteuid() == 0
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    data = Path(tempfile.mkdtemp(prefix="coachbot-pg-"))
    if as_root:
        shutil.chown(data, "postgres", "postgres")
    port = _free_port()
    quiet = {"check": True, "capture_output": True}
    subprocess.run(
        [*run_as, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
        **quiet,
    )  # type: ignore[call-overload]
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50"
    subprocess.run(
        [
            *run_as,
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(data / "server.log"),
            "-w",
            "start",
        ],
        **quiet,
    )  # type: ignore[call-overload]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    _SERVERS[url] = [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(data / "server.log")]
    try:
        yield url
    finally:
        _SERVERS.pop(url, None)
        subprocess.run(
            [*run_as, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


_SERVERS: dict[str, list[str]] = {}


def restart_server(url: str) -> None:
    """Restart the server behind ``url`` (fast shutdown): every open connection is cut."""
    base = url.rsplit("/", 1)[0] + "/postgres"
    command = _SERVERS[base]
    subprocess.run([*command, "-m", "fast", "-w", "restart"], check=True, capture_output=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    name = "coachbot_" + uuid.uuid4().hex[:10]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
