"""A throwaway PostgreSQL server in a temporary folder, for the tests and the benchmark.

Debian's ``postgresql`` package puts its programs under /usr/lib/postgresql/<version>/bin. The
server refuses to run as root, so when this process is root the folder is given to the
``postgres`` user and ``initdb``/``pg_ctl`` run as that user (``runuser``). It listens on
127.0.0.1 only, on a free port, with a password for the role the app uses (so tests can check
the password never shows) and no password for the superuser on the local socket.

    with TempServer.start() as server:
        url = server.create_database("kg")      # postgresql://kg:<password>@127.0.0.1:<port>/kg
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROLE = "kg"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest Debian version), or None when not installed."""
    configured = os.environ.get("KG_PG_BIN")
    candidates = [configured] if configured else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _version_key(folder: str) -> tuple[int, ...]:
    part = Path(folder).parent.name
    return tuple(int(p) for p in part.split(".") if p.isdigit()) or (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class TempServer:
    """A running server: its folder, port and the password of the ``kg`` role."""

    folder: Path
    port: int
    password: str
    bin: Path
    as_postgres: bool

    @classmethod
    @contextlib.contextmanager
    def start(cls, *, settings: dict[str, str] | None = None) -> Iterator[TempServer]:
        """Start a server (stopped and removed at the end of the block). Raises RuntimeError when it cannot."""
        folder_bin = binaries()
        if folder_bin is None:
            raise RuntimeError("PostgreSQL's programs (initdb, pg_ctl) are not installed: apt-get install postgresql")
        server = cls._create(folder_bin, settings or {})
        try:
            yield server
        finally:
            server.stop()

    @classmethod
    def _create(cls, folder_bin: Path, settings: dict[str, str]) -> TempServer:
        folder = Path(tempfile.mkdtemp(prefix="kg-postgres-"))
        as_postgres = os.geteuid() == 0
        if as_postgres:
            shutil.chown(folder, "postgres", "postgres")
        server = cls(folder, _free_port(), secrets.token_urlsafe(18), folder_bin, as_postgres)
        data = folder / "cluster"
        server._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
                    "--locale=C.UTF-8")  # fmt: skip
        options = {
            **server._statement_stats(),
            "listen_addresses": "127.0.0.1",
            "port": str(server.port),
            "unix_socket_directories": str(folder),
            "fsync": "off",  # a scratch server: durability across a power cut is not what is tested
            "max_connections": "200",
            **settings,
        }
        with (data / "postgresql.auto.conf").open("a") as conf:
            for key, value in options.items():
                conf.write(f"{key} = '{value}'\n")
        # The app's role logs in over TCP with a password; the superuser over the local socket.
        (data / "pg_hba.conf").write_text(
            "local all postgres trust\nhost all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8"
        )
        server._run("pg_ctl", "-D", str(data), "-l", str(folder / "server.log"), "-w", "-t", "60", "start")
        server.psql(f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{server.password}'")
        return server

    def _statement_stats(self) -> dict[str, str]:
        """Load pg_stat_statements when the server has it (Debian's package does), so tests can count
        the statements and rows a page's work costs."""
        share = subprocess.run([str(self.bin / "pg_config"), "--sharedir"], capture_output=True, text=True)
        control = Path(share.stdout.strip()) / "extension" / "pg_stat_statements.control"
        return {"shared_preload_libraries": "pg_stat_statements"} if share.returncode == 0 and control.exists() else {}

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
        return done

    def psql(self, sql: str, database: str = "postgres") -> str:
        """Run SQL as the superuser over the local socket; its output (unaligned, tuples only)."""
        return self._run(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.folder), "-p", str(self.port),
            "-U", "postgres", "-d", database, "-c", sql,
        ).stdout.strip()  # fmt: skip

    def create_database(self, name: str) -> str:
        """A new, empty database owned by the ``kg`` role; its URL (with the password)."""
        self.psql(f"CREATE DATABASE {name} OWNER {ROLE}")
        return self.url(name)

    def drop_database(self, name: str) -> None:
        self.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def url(self, name: str, *, password: str | None = None) -> str:
        return f"postgresql://{ROLE}:{password or self.password}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run("pg_ctl", "-D", str(self.folder / "cluster"), "-m", "immediate", "-w", "stop")
        for _ in range(50):
            try:
                shutil.rmtree(self.folder)
                return
            except OSError:
                time.sleep(0.1)

    def restart(self) -> None:
        """Stop the server at once (every connection is cut) and start it again."""
        data = str(self.folder / "cluster")
        self._run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        self._run("pg_ctl", "-D", data, "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start")
