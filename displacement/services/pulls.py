"""Live pull: save a connection (its secret encrypted), test it, pull it, rotate the keys.

A pull (``connection_pull``) holds the connection's advisory lock (two beats never pull the
same connection at once), fetches every page since the watermark, reads and checks them as a
file of submissions, then imports them in one transaction as an ``ImportRun`` of kind
``kobo_pull``/``odk_pull`` and moves the watermark in that same transaction. A fetch that
fails (the server went away mid-page, 401/403, a 429 waited out too long) or a set refused
as a whole imports nothing, leaves the watermark where it was and is recorded on the
connection (``last_error``) and on a failed run; the next pull starts again from the same place.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging

from django.core.exceptions import ValidationError
from django.db import connection as db
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.importers import kobo as kobo_reader
from displacement.importers import odk as odk_reader
from displacement.importers.intake_form import intake_spec
from displacement.importers.pipeline import FileError, Problem
from displacement.importers.submissions import SubmissionSet, SubmissionSetError, check_form
from displacement.models import ImportKind, ImportRun, ImportStatus, PullConnection, PullKind
from displacement.pull import secrets
from displacement.pull.fetched import Fetched
from displacement.pull.http import PullError
from displacement.pull.kobo import KoboPull
from displacement.pull.media import download_media
from displacement.pull.odk import OdkPull
from displacement.selectors.pulls import media_to_fetch
from displacement.services.acting import acting
from displacement.services.imports import import_run_finish
from displacement.services.stored_files import removed_if_rolled_back
from displacement.services.submission_import import submissions_import

logger = logging.getLogger(__name__)

_LOCK = 7304  # arbitrary: this application's advisory locks for pulls (the second key is the connection's id)
#: The fields a coordinator edits (the secret apart).
FIELDS = ("name", "kind", "server_url", "asset_uid", "account_email", "project_id", "form_id", "enabled")
#: Changing one of these points the connection at other data: its watermark starts again.
TARGET = ("kind", "server_url", "asset_uid", "project_id", "form_id")
PLATFORMS = {PullKind.KOBO: "KoboToolbox", PullKind.ODK: "ODK Central"}
RUN_KINDS = {PullKind.KOBO: ImportKind.KOBO_PULL, PullKind.ODK: ImportKind.ODK_PULL}


def connection_save(*, connection: PullConnection | None = None, organization, by=None, data: dict, secret: str = ""):
    """Create or change a connection; ``secret`` (the token or password) is encrypted, and
    left as stored when empty."""
    connection = connection if connection is not None else PullConnection()
    if connection.pk is None:
        connection.organization = organization
    before = PullConnection.objects.filter(pk=connection.pk).values(*TARGET).first() if connection.pk else None
    for name in FIELDS:
        if name in data:
            setattr(connection, name, data[name])
    if secret:
        connection.secret = secrets.encrypt(secret)
    elif not connection.secret:
        raise ValidationError(
            {"secret": _("Give the API token (KoboToolbox) or the account's password (ODK Central).")}
        )
    if before is not None and before != {name: getattr(connection, name) for name in TARGET}:
        connection.watermark, connection.last_error = {}, ""
    connection.full_clean(exclude=["secret"])
    with transaction.atomic(), acting(by):
        connection.save()
    return connection


def connection_delete(*, connection: PullConnection, by=None) -> None:
    """Delete a connection and its encrypted secret; its runs stay (``ImportRun.connection`` emptied)."""
    with transaction.atomic(), acting(by):
        connection.delete()


def _client(connection: PullConnection) -> KoboPull | OdkPull:
    try:
        secret = secrets.decrypt(connection.secret)
    except secrets.SecretUnreadable:
        raise PullError(
            _("The stored token or password cannot be decrypted with PULL_SECRET_KEYS: enter it again.")
        ) from None
    if connection.kind == PullKind.KOBO:
        return KoboPull(server_url=connection.server_url, token=secret, asset_uid=connection.asset_uid)
    return OdkPull(
        server_url=connection.server_url,
        email=connection.account_email,
        password=secret,
        project_id=connection.project_id,
        form_id=connection.form_id,
    )


def _safe(message: str, connection: PullConnection) -> str:
    """``message`` with the secret cut out, should any server or library ever echo it."""
    with contextlib.suppress(secrets.SecretUnreadable):
        secret = secrets.decrypt(connection.secret)
        if secret:
            message = message.replace(secret, "…")
    return message


def connection_test(*, connection: PullConnection) -> str:
    """Sign in and read the project or form; its name, or ``PullError`` saying why not."""
    client = _client(connection)
    try:
        name = client.check()
    except PullError as exc:
        raise PullError(_safe(str(exc), connection)) from None
    finally:
        client.close()
    return name


def connection_pull_queue(*, connection: PullConnection, by=None) -> None:
    """Pull ``connection`` in Celery once the transaction commits (the task gets ids only)."""
    from displacement.tasks.pulls import connection_pull_task

    by_id = by.pk if by is not None else None
    transaction.on_commit(lambda: connection_pull_task.delay(connection.pk, by_id))


def connections_due() -> list[int]:
    return list(PullConnection.objects.filter(enabled=True).order_by("pk").values_list("pk", flat=True))


@contextlib.contextmanager
def _locked(connection_id: int):
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK, connection_id])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with db.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK, connection_id])


def _read(connection: PullConnection, fetched: Fetched) -> SubmissionSet:
    spec = intake_spec()
    if connection.kind == PullKind.KOBO:
        submissions = kobo_reader.read_json(fetched.document)
    else:
        submissions = odk_reader.read(fetched.document, spec=spec)
    check_form(submissions, spec)
    return submissions


def _failed(connection: PullConnection, run: ImportRun | None, message: str, now, by) -> ImportRun | None:
    """Record a failed pull on the connection and on a failed run. A fetch failing again as the
    last pull did (a wrong token, every few minutes) makes no new run: the connection says it."""
    message = _safe(message, connection)
    logger.warning("pull of connection %s failed: %s", connection.pk, message)
    repeated = run is None and connection.last_error == message
    PullConnection.objects.filter(pk=connection.pk).update(last_error=message)
    if repeated:
        return None
    if run is None:
        run = ImportRun.objects.create(
            organization_id=connection.organization_id,
            created_by=by,
            connection=connection,
            kind=RUN_KINDS[connection.kind],
            file_name=_run_name(connection),
            size=0,
            sha256=hashlib.sha256(b"").hexdigest(),
        )
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.FAILED, error=message, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def _run_name(connection: PullConnection) -> str:
    return f"{PLATFORMS[connection.kind]} · {connection.name}"[:255]


def connection_pull(*, connection_id: int, by=None, now=None) -> ImportRun | None:
    """Pull one connection: the run made (None when another pull holds it, nothing was new, or
    the fetch failed as the last one did)."""
    now = now or timezone.now()
    with _locked(connection_id) as got:
        if not got:
            logger.info("connection %s is being pulled already", connection_id)
            return None
        connection = PullConnection.objects.select_related("organization").filter(pk=connection_id).first()
        if connection is None:
            return None
        PullConnection.objects.filter(pk=connection.pk).update(last_attempt_at=now)
        media = None
        try:
            client = _client(connection)
            try:
                fetched = client.fetch(dict(connection.watermark), now=now)
                submissions = _read(connection, fetched)
                wanted = media_to_fetch(organization=connection.organization, submissions=submissions)
                media = download_media(client.client, connection.server_url, wanted)
            finally:
                client.close()
        except (PullError, SubmissionSetError) as exc:
            return _failed(connection, None, str(exc), now, by)
        if not submissions.submissions:
            PullConnection.objects.filter(pk=connection.pk).update(
                last_success_at=now, last_error="", watermark=fetched.watermark
            )
            return None
        try:
            return _import(connection, fetched, submissions, media, now, by)
        finally:
            if media is not None:
                media.close()


def _import(connection, fetched: Fetched, submissions: SubmissionSet, media, now, by) -> ImportRun:
    run = ImportRun.objects.create(
        organization_id=connection.organization_id,
        created_by=by,
        connection=connection,
        kind=RUN_KINDS[connection.kind],
        file_name=_run_name(connection),
        size=fetched.size,
        sha256=fetched.sha256,
        status=ImportStatus.RUNNING,
        rows_total=len(submissions.submissions),
    )
    try:
        with removed_if_rolled_back(), transaction.atomic(), acting(by, import_run=run.pk):
            report: list[Problem] = []
            counts = submissions_import(
                organization=connection.organization,
                run=run,
                submissions=submissions,
                media=media,
                by=by,
                report=report,
            )
            import_run_finish(run, counts, report)
            PullConnection.objects.filter(pk=connection.pk).update(
                watermark=fetched.watermark, last_success_at=now, last_error=""
            )
    except (SubmissionSetError, FileError) as exc:
        return _failed(connection, run, str(exc), now, by)
    except Exception:
        _failed(connection, run, _("The import stopped on an internal error; nothing was written."), now, by)
        raise
    run.refresh_from_db()
    return run


def connection_secrets_rotate() -> tuple[int, list[int]]:
    """Encrypt every stored secret again under the first of ``PULL_SECRET_KEYS``: (rotated,
    ids of the connections whose secret no key decrypts, to be entered again)."""
    rotated, unreadable = 0, []
    with transaction.atomic():
        for pk, secret in PullConnection.objects.select_for_update().values_list("pk", "secret"):
            try:
                PullConnection.objects.filter(pk=pk).update(secret=secrets.rotate(secret))
                rotated += 1
            except secrets.SecretUnreadable:
                unreadable.append(pk)
    return rotated, unreadable
