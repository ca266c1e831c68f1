"""python manage.py runstack: migrate, seed the demo, then run web, Celery worker and beat.

``make run`` calls it inside ``python -m displacement.embedded exec``, which provides the
database and broker and stops them afterwards. Ctrl-C or SIGTERM (which ``make stop`` sends)
stops every process. While it runs its pid is in ``var/run/runstack.pid``, and a second one
refuses to start.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from displacement.embedded import StackRunning, recorded_stack


class Command(BaseCommand):
    help = "Run the whole application for development: web server, Celery worker and Celery beat."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("RUN_ADDR", "127.0.0.1:8000"))
        parser.add_argument("--no-seed", action="store_true", help="skip loading the demo data")

    def handle(self, *args, addr, no_seed, **options):
        try:
            with recorded_stack():
                self._run(addr, no_seed)
        except StackRunning as exc:
            raise CommandError(str(exc)) from None

    def _run(self, addr, no_seed):
        # Until web, worker and beat start, Ctrl-C and SIGTERM interrupt (make run's wrapper
        # starts this process with SIGINT ignored, which Python would otherwise keep).
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.default_int_handler)
        try:
            call_command("migrate", interactive=False, verbosity=1)
            if not no_seed:
                call_command("seed_demo")
        except KeyboardInterrupt:
            self.stderr.write("Stopped before the web server, the worker and beat started.")
            sys.exit(1)
        commands = _commands(sys.executable, addr)
        env = {
            **os.environ,
            "DATABASE_URL": settings.DATABASE_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            # Links in report e-mails point at this server unless SITE_URL says otherwise.
            "SITE_URL": os.environ.get("SITE_URL") or f"http://{addr}",
        }
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        # Set before the processes start, so that a signal from now on stops them all.
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        processes = {
            name: subprocess.Popen(command, env=env, start_new_session=True) for name, command in commands.items()
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"\nRunning. Admin: http://{addr}/admin/   Dashboard: http://{addr}/dashboard/   "
                f"API docs: http://{addr}/api/v1/docs/\n"
                "The demo report 'demo-flows' runs every 2 minutes: see Report runs in the admin.\n"
                "Log in with the demo users printed above (seed_demo prints new passwords once).\n"
                "Press Ctrl-C (or run make stop) to stop the web server, the worker, beat and the embedded servers.\n"
            )
        )
        code = 0
        while not stopping:
            for name, process in processes.items():
                if process.poll() is not None:
                    self.stderr.write(f"{name} exited with code {process.returncode}; stopping everything.")
                    stopping.append(name)
                    code = 1
                    break
            time.sleep(0.5)
        self.stdout.write("Stopping...")
        for process in processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.stdout.write("Stopped.")
        sys.exit(code)


def _commands(python: str, addr: str) -> dict[str, list[str]]:
    return {
        "web": [python, "manage.py", "runserver", addr],
        "worker": [
            python,
            "-m",
            "celery",
            "-A",
            "displacement",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "2",
            "--hostname",
            "worker@%h",
        ],
        "beat": [python, "-m", "celery", "-A", "displacement", "beat", "--loglevel", "INFO"],
    }
