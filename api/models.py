"""API keys for partner machines, and the stored answers that make POSTs idempotent."""

import datetime
import functools
import json

from django.db import connections, models
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONArray
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from displacement.models.base import ChoiceArrayField, tracked
from displacement.models.checks import checked


class Scope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Write")


class OrganizationAPIKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self) -> models.QuerySet:
        # Every request reads the key's organisation next: one query for both.
        return super().get_usable_keys().select_related("organization")

    def get_from_key(self, key: str) -> "OrganizationAPIKey":
        """As the library's (an unrevoked key with that prefix, whose hash matches), with its
        organisation, by one statement written once: every partner request asks, and the ORM
        spent longer building the query than PostgreSQL answering it."""
        from displacement.models import Organization
        from displacement.selectors import person_dates

        prefix, _, _ = key.partition(".")
        statement, params, keys, organizations = _key_statement(self.model, timezone.localdate())
        with connections[self.db].cursor() as cursor:
            cursor.execute(statement, [*params, prefix])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist("No usable key with this prefix.")
        api_key = self.model.from_db(self.db, keys, row[: len(keys)])
        api_key.organization = Organization.from_db(self.db, organizations, row[len(keys) : -1])
        person_dates.remember(api_key.organization, json.loads(row[-1]) if isinstance(row[-1], str) else row[-1])
        if not api_key.is_valid(key):
            raise self.model.DoesNotExist("Key is not valid.")
        return api_key


@functools.lru_cache(maxsize=4)
def _key_statement(model, on: datetime.date) -> tuple[str, list, list[str], list[str]]:
    """The statement reading a key of ``model``, its organisation and the agreements in force
    ``on`` that give the organisation records (``person_dates.in_force``, as JSON: what its date
    filters need, so that they cost no query of their own), its parameters before the key's
    prefix, and the columns of the key and of the organisation."""
    from displacement.models import Organization
    from displacement.selectors import person_dates

    keys = [field.attname for field in model._meta.concrete_fields]
    organizations = [field.attname for field in Organization._meta.concrete_fields]
    columns = [f'k."{name}"' for name in keys] + [f'o."{name}"' for name in organizations]
    agreements, params = (
        person_dates.in_force(RawSQL('k."organization_id"', ()))
        .annotate(row=JSONArray("owner_id", "record_kinds", "date_precision"))
        .values("row")
        .query.sql_with_params()
    )
    statement = (
        f"SELECT {', '.join(columns)}, "  # noqa: S608 (names, and SQL the ORM made)
        f"(SELECT coalesce(json_agg(a.row), '[]') FROM ({agreements}) a) "
        f"FROM {model._meta.db_table} k "
        f"JOIN {Organization._meta.db_table} o ON o.id = k.organization_id "
        "WHERE NOT k.revoked AND k.prefix = %s"
    )
    return statement, list(params), keys, organizations


# Revocation, expiry, scopes and name have a history; the key's hash and its last use do not.
@tracked(exclude=["hashed_key", "last_used_at"], unrecorded=["last_used_at"])
@checked
class OrganizationAPIKey(AbstractAPIKey):
    """A key bound to one organisation; only its SHA-512 hash is stored, the key is shown once."""

    objects = OrganizationAPIKeyManager()

    organization = models.ForeignKey(
        "displacement.Organization",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("organisation"),
    )
    scopes = ChoiceArrayField(
        models.CharField(max_length=10, choices=Scope.choices), default=list, verbose_name=_("scopes")
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


@checked
class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed on retries."""

    principal = models.CharField(max_length=160)
    key = models.CharField(max_length=200)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="idempotency_principal_key_unique")]

    def __str__(self):
        return f"{self.principal} {self.key}"
