"""The ``--org SLUG`` option of management commands: one rule, and messages that list the slugs.

Commands act as the system (no viewer, no gate), so the organisation is looked up by its slug
alone; a wrong or missing slug is refused with the organisations there are, so that a user who
does not know the demo's ``dpn`` is told it.
"""

from django.core.management.base import CommandError

from displacement.models import Organization

#: At most this many organisations are listed in a message; the rest are counted.
LISTED = 20


def organization_from_option(org: str | None, *, needed: bool = True) -> Organization | None:
    """The organisation ``--org`` names.

    Without ``--org``: the only organisation there is, or, when ``needed`` is false, ``None``
    (the command then works on every organisation). A wrong slug, or no ``--org`` with several
    organisations (or none), is a ``CommandError`` listing the slugs there are."""
    if org:
        organization = Organization.objects.filter(slug=org).first()
        if organization is None:
            raise CommandError(f"No organisation {org!r}. {_known()}")
        return organization
    if not needed:
        return None
    only = list(Organization.objects.order_by("slug")[:2])
    if len(only) == 1:
        return only[0]
    if not only:
        raise CommandError(_known())
    raise CommandError(f"Name the organisation with --org SLUG: {_listed()}.")


def _known() -> str:
    if not Organization.objects.exists():
        return "There is no organisation yet: add one in the admin."
    return f"The organisations are: {_listed()}."


def _listed() -> str:
    rows = list(Organization.objects.order_by("slug").values_list("slug", "name")[: LISTED + 1])
    listed = ", ".join(f"{slug} ({name})" for slug, name in rows[:LISTED])
    if len(rows) > LISTED:
        listed += f" and {Organization.objects.count() - LISTED} more"
    return listed
