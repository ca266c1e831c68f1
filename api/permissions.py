"""Who may call the API at all; what each caller sees is decided by the access gate."""

from rest_framework import permissions

from api.models import Scope
from displacement.selectors.access import Viewer


class IsMemberOrPartnerKey(permissions.BasePermission):
    """Staff (coordinator, caseworker, analyst) with a session, or a partner machine's key.

    Reading needs the key's read scope; writing needs its write scope, or a staff role that
    writes (analysts read only).
    """

    def has_permission(self, request, view):
        viewer = Viewer.of(request.user)
        if viewer.api_key is not None:
            needed = Scope.READ if request.method in permissions.SAFE_METHODS else Scope.WRITE
            return viewer.api_key.has_scope(needed)
        if not viewer.is_staff_member:
            return False
        return request.method in permissions.SAFE_METHODS or viewer.can_write
