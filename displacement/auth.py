"""Authentication of staff: Django's model backend, with the membership read with the user."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class MemberBackend(ModelBackend):
    """As ``ModelBackend``, but a session's user comes with their membership and organisation
    in the same query: every staff request asks the access gate, which reads them."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("membership__organization").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
