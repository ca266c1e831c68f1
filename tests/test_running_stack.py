"""`make stop` stops a running `make run` too, and a second `make run` is refused at once.

runstack records its pid under var/run while it runs; `python -m displacement.embedded stop`
asks it to stop as Ctrl-C does, waits, then stops the servers. Stand-in processes play
runstack here: a Python process whose command line says ``runstack``."""

import fcntl
import os
import signal
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from displacement import embedded
from displacement.management.commands import runstack

# A stand-in runstack: records itself as embedded.recorded_stack does for runstack, says when
# it is ready, and on SIGTERM writes which signal it got and leaves (removing its record).
STAND_IN = """
import signal, sys, time
from displacement import embedded
got = []
def leave(signum, frame):
    got.append(signum)
    open(sys.argv[1], "w").write(str(signum))  # before its record's lock goes, as runstack's work does
    sys.exit(0)
signal.signal(signal.SIGTERM, leave)
try:
    with embedded.recorded_stack():
        print("ready", flush=True)
        while True:
            time.sleep(0.05)
finally:
    open(sys.argv[1], "w").write(",".join(map(str, got)))
"""
# One that does not stop when asked.
STUBBORN = STAND_IN.replace("signal.signal(signal.SIGTERM, leave)", "signal.signal(signal.SIGTERM, signal.SIG_IGN)")


@pytest.fixture
def var(monkeypatch, tmp_path):
    monkeypatch.setenv("DISPLACEMENT_VAR_DIR", str(tmp_path / "var"))
    return tmp_path / "var"


@pytest.fixture
def stand_in(var, tmp_path):
    started = []

    def start(code=STAND_IN):
        process = subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path / f"signals-{len(started)}"), "runstack"],
            cwd=embedded.BASE_DIR,
            env={**os.environ, "DISPLACEMENT_VAR_DIR": str(var)},
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        assert process.stdout.readline() == "ready\n"
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


@pytest.fixture
def restored_signals():
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        signal.signal(signum, handler)


def pidfile(var):
    return var / "run" / "runstack.pid"


def test_a_running_stack_is_recorded_under_var_run_and_its_record_removed_when_it_ends(var, stand_in, tmp_path):
    process = stand_in()
    assert pidfile(var).read_text() == f"{process.pid}\n"
    assert embedded.running_stack() == process.pid
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=10)
    assert pidfile(var).read_text() == ""  # the record is kept, emptied
    assert embedded.running_stack() is None


def test_stop_asks_the_stack_to_stop_as_ctrl_c_does_and_waits_for_it(var, stand_in, tmp_path, capsys):
    process = stand_in()
    assert embedded.main(["stop"]) == 0
    process.wait(timeout=5)  # its stack is stopped (its lock gone) when stop returns; the process ends next
    assert (tmp_path / "signals-0").read_text() == str(int(signal.SIGTERM))
    assert pidfile(var).read_text() == ""  # the record is kept, emptied
    assert f"stopping manage.py runstack (pid {process.pid})" in capsys.readouterr().out


def test_stop_waits_only_so_long_for_a_stack_that_does_not_stop(var, stand_in):
    process = stand_in(STUBBORN)
    assert embedded.stop_stack(timeout=0.5) is False
    assert process.poll() is None


def test_a_record_of_a_process_gone_is_stale_and_removed(var):
    gone = subprocess.Popen([sys.executable, "-c", "", "runstack"])
    gone.wait()
    pidfile(var).parent.mkdir(parents=True)
    pidfile(var).write_text(f"{gone.pid}\n")
    assert embedded.running_stack() is None
    assert embedded.stop_stack() is True


def test_a_pid_reused_by_another_program_is_not_taken_for_runstack_nor_signalled(var):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pidfile(var).parent.mkdir(parents=True)
        pidfile(var).write_text(f"{other.pid}\n")
        assert embedded.running_stack() is None
        assert embedded.main(["stop"]) == 0
        assert other.poll() is None
    finally:
        other.kill()
        other.wait()


def test_a_process_that_only_looks_like_runstack_is_not_taken_for_it_nor_signalled(var):
    # Its command line says runstack (as make run's own wrapper's, or a test's, does) but it
    # holds no lock on the record: only the lock tells a running stack.
    looks = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "runstack"])
    try:
        pidfile(var).parent.mkdir(parents=True)
        pidfile(var).write_text(f"{looks.pid}\n")
        assert embedded.running_stack() is None
        assert embedded.main(["stop"]) == 0
        assert looks.poll() is None
    finally:
        looks.kill()
        looks.wait()


def test_a_stack_that_ends_without_cleaning_up_leaves_no_live_record(var, stand_in):
    process = stand_in()
    process.kill()  # SIGKILL: no finally runs; the system drops its lock
    process.wait()
    assert embedded.running_stack() is None


def test_a_make_run_refused_because_another_started_meanwhile_leaves_its_servers(var, monkeypatch, capsys):
    stopped = []
    monkeypatch.setattr(embedded, "stop_postgres", lambda: stopped.append("postgres"))
    monkeypatch.setattr(embedded, "stop_redis", lambda: stopped.append("redis"))
    monkeypatch.setattr(embedded, "postgres_url", lambda: "postgres://embedded")
    monkeypatch.setattr(embedded, "redis_url", lambda: "redis://embedded")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    # Two make runs at once: none runs when this one starts, the other's runstack when it ends
    # (this one's runstack refused, as it must).
    answers = iter([None, 4321])
    monkeypatch.setattr(embedded, "running_stack", lambda: next(answers))
    assert embedded.main(["exec", "--stop", "--", sys.executable, "-c", "raise SystemExit(1)"]) == 1
    assert stopped == []
    assert "pid 4321" in capsys.readouterr().err


def test_a_second_stack_is_refused_naming_make_stop(var, stand_in):
    process = stand_in()
    refused = pytest.raises(embedded.StackRunning, match=f"already running .*pid {process.pid}.*`make stop`")
    with refused, embedded.recorded_stack():
        pass
    assert pidfile(var).read_text() == f"{process.pid}\n"


def test_make_run_while_one_runs_fails_at_once_and_leaves_its_servers_alone(var, stand_in, monkeypatch, capsys):
    stand_in()
    # Set so that, were the command run, it would not start the embedded servers.
    monkeypatch.setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    assert embedded.main(["exec", "--stop", "--", "true"]) == 1
    assert "`make stop`" in capsys.readouterr().err


def test_runstack_refuses_to_start_while_one_runs_before_migrating(var, stand_in, monkeypatch):
    stand_in()
    monkeypatch.setattr(runstack, "call_command", lambda *args, **kwargs: pytest.fail("migrated"))
    with pytest.raises(CommandError, match="`make stop`"):
        call_command("runstack", "--no-seed")


def test_sigterm_stops_web_worker_and_beat_and_removes_the_record(var, monkeypatch, restored_signals):
    monkeypatch.setattr(runstack, "call_command", lambda *args, **kwargs: None)
    monkeypatch.setattr(
        runstack,
        "_commands",
        lambda python, addr: {
            name: [python, "-c", "import time; time.sleep(60)"] for name in ("web", "worker", "beat")
        },
    )
    started = []
    popen = subprocess.Popen

    def start(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        if len(started) == 3:
            assert pidfile(var).read_text() == f"{os.getpid()}\n"
            os.kill(os.getpid(), signal.SIGTERM)  # as make stop does
        return started[-1]

    monkeypatch.setattr(runstack.subprocess, "Popen", start)
    with pytest.raises(SystemExit) as exited:
        call_command("runstack", "--no-seed")
    assert exited.value.code == 0
    assert [process.poll() for process in started] == [-signal.SIGTERM] * 3
    assert pidfile(var).read_text() == ""  # the record is kept, emptied


def test_stopping_postgres_checks_it_runs_under_the_lock_so_make_stop_and_make_run_may_both_stop(var, monkeypatch):
    held = []

    def running():
        with open(var / ".pg.lock", "w") as other:
            try:
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(True)
        return False

    monkeypatch.setattr(embedded, "postgres_running", running)
    embedded.stop_postgres()
    assert held == [True]


def test_sigterm_while_migrating_stops_runstack_as_ctrl_c_does_before_anything_starts(
    var, monkeypatch, restored_signals, capsys
):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as make run's wrapper starts it
    monkeypatch.setattr(runstack, "call_command", lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGTERM))
    monkeypatch.setattr(runstack, "_commands", lambda python, addr: pytest.fail("started"))
    with pytest.raises(SystemExit) as exited:
        call_command("runstack", "--no-seed")
    assert exited.value.code == 1
    assert "Stopped before the web server, the worker and beat started." in capsys.readouterr().err
    assert pidfile(var).read_text() == ""  # the record is kept, emptied
