"""Authentication of partner machines: ``Authorization: Api-Key <key>``."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api.models import OrganizationAPIKey

KEYWORD = "Api-Key"
#: How stale a key's "last used at" may be.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class APIKeyPrincipal:
    """What ``request.user`` is for a partner machine: its key, never a person."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None

    def __init__(self, api_key: OrganizationAPIKey):
        self.api_key = api_key

    def __str__(self):
        return f"api-key:{self.api_key.prefix}"


class APIKeyAuthentication(authentication.BaseAuthentication):
    """A revoked, expired or unknown key is a 401, on its very next request."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        scheme, __, key = header.partition(" ")
        if scheme != KEYWORD:
            return None
        key = key.strip()
        try:
            api_key = OrganizationAPIKey.objects.get_from_key(key)
        except OrganizationAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Unknown or revoked API key.")) from None
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_PRECISION:
            # To the minute: a write on every request would cost a nightly sync thousands of them.
            OrganizationAPIKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return APIKeyPrincipal(api_key), api_key

    def authenticate_header(self, request):
        return KEYWORD


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.APIKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`. Keys are created by a coordinator (admin) or with "
            "`python manage.py create_api_key --org SLUG --name NAME`; the key is shown once.",
        }
