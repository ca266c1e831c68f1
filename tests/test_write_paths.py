"""One write path per record kind (``docs/architecture.md``): the admin and the API change no
record themselves, they call its service. Read from the source with ``ast``: every call that
writes through the ORM (``.save()``, ``.delete()``, a queryset's ``.update()``, ``create``,
``bulk_create``...) or through Django's own admin save and delete (``super().save_model``...) in
``displacement/admin/`` and ``api/`` fails the test, unless it is one of the exceptions that
``docs/architecture.md`` lists under "Exceptions to one write path" (below, with their reason)."""

import ast
from pathlib import Path

import api
import displacement

REPOSITORY = Path(displacement.__file__).parent.parent
ROOTS = [Path(displacement.__file__).parent / "admin", Path(api.__file__).parent]
#: Methods that write whatever they are called on.
WRITES = {"save", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
#: Methods that write when called on a queryset or a manager (``dict.update`` does not).
QUERYSET_WRITES = {"create", "update"}
#: Django's admin writing the form's instance itself.
ADMIN_WRITES = {"save_model", "delete_model", "delete_queryset", "save_related", "save_formset"}
#: Not the calls of a queryset or a manager: they start no chain ``.create``/``.update`` ends.
CHAIN = {"objects", "filter", "exclude", "all", "select_for_update", "using"}

#: (module, the call as written): why it is allowed; each is listed in docs/architecture.md.
EXCEPTIONS = {
    ("api/base.py", "serializer.save"): "DRF's save calls the write serializer's create/update: one service call",
    ("api/idempotency.py", "IdempotencyRecord.objects.create"): "idempotency keys: the API's own bookkeeping",
    ("api/idempotency.py", "record.save"): "idempotency keys: the API's own bookkeeping",
    ("api/authentication.py", "OrganizationAPIKey.objects.filter(pk=api_key.pk).update"): "a key's last use",
    ("api/admin.py", "super().save_model"): "API keys: made by djangorestframework-api-key's admin",
}


def _chained(node) -> set[str]:
    """The attribute and method names along ``a.b(...).c(...)`` before the last call."""
    names = set()
    while isinstance(node, ast.Attribute | ast.Call):
        if isinstance(node, ast.Call):
            node = node.func
        else:
            names.add(node.attr)
            node = node.value
    return names


def writes(source: str) -> list[str]:
    """The writing calls in ``source``, as written (``Event.objects.filter(pk=1).update``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        name, receiver = node.func.attr, node.func.value
        if name == "save" and any(k.arg == "commit" for k in node.keywords):
            continue  # a form's save(commit=False) writes nothing
        is_super = isinstance(receiver, ast.Call) and getattr(receiver.func, "id", "") == "super"
        if (
            (name in WRITES and not is_super)
            or (name in QUERYSET_WRITES and _chained(receiver) & CHAIN)
            or (name in ADMIN_WRITES and is_super)
        ):
            found.append(ast.unparse(node.func))
    return found


def test_the_walk_finds_every_way_of_writing():
    source = (
        "obj.save()\nEvent.objects.create(title='x')\nEvent.objects.filter(pk=1).update(title='y')\n"
        "obj.delete()\nHousehold.objects.bulk_create([])\nsuper().save_model(request, obj, form, change)\n"
        "super().delete_queryset(request, queryset)\nformset.save(commit=False)\n"
        "context.update(x=1)\nheaders.update({})\nevent_update(event=obj, by=user)\n"
    )
    assert writes(source) == [
        "obj.save",
        "Event.objects.create",
        "Event.objects.filter(pk=1).update",
        "obj.delete",
        "Household.objects.bulk_create",
        "super().save_model",
        "super().delete_queryset",
    ]


def test_the_admin_and_the_api_write_only_through_services():
    modules = sorted(path for root in ROOTS for path in root.rglob("*.py") if "migrations" not in path.parts)
    assert len(modules) > 40  # the walk reads both packages (a wrong root tests nothing)
    written = {(str(path.relative_to(REPOSITORY)), call) for path in modules for call in writes(path.read_text())}
    assert {found for found in written if found not in EXCEPTIONS} == set()
    assert set(EXCEPTIONS) <= written  # an exception no longer needed leaves the list (and the docs)
