"""Form server connections: coordinators connect a KoboToolbox project or an ODK Central form,
test it, pull it now, and read when it was last pulled and what went wrong.

The token or password is a write-only field: typed once, stored encrypted, never shown again
(an empty field keeps the stored one).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminPasswordWidget

from displacement.admin.base import ScopedAdmin
from displacement.models import PullConnection
from displacement.pull.http import PullError
from displacement.selectors.access import organization_of
from displacement.services.pulls import (
    FIELDS,
    connection_delete,
    connection_pull_queue,
    connection_save,
    connection_test,
)


class ConnectionForm(forms.ModelForm):
    new_secret = forms.CharField(
        label=_("API token or password"),
        required=False,
        strip=True,
        widget=UnfoldAdminPasswordWidget(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "KoboToolbox: the account's API token. ODK Central: the account's password. "
            "Stored encrypted and never shown again; leave empty to keep the stored one."
        ),
    )

    class Meta:
        model = PullConnection
        fields = list(FIELDS)

        @staticmethod
        def formfield_callback(field, **kwargs):
            if isinstance(field, models.URLField):
                kwargs.setdefault("assume_scheme", "https")
            return field.formfield(**kwargs)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.secret and not cleaned.get("new_secret"):
            self.add_error("new_secret", _("Give the API token (KoboToolbox) or the account's password (ODK Central)."))
        return cleaned


@admin.register(PullConnection)
class PullConnectionAdmin(ScopedAdmin):
    form = ConnectionForm
    list_display = ["name", "kind", "server_url", "enabled", "last_success_at", "last_attempt_at", "error_shown"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "server_url", "enabled"]}),
        (_("KoboToolbox"), {"fields": ["asset_uid"]}),
        (_("ODK Central"), {"fields": ["account_email", "project_id", "form_id"]}),
        (_("Credentials"), {"fields": ["new_secret", "secret_state"]}),
        (_("Pulls"), {"fields": ["last_attempt_at", "last_success_at", "last_error", "runs"]}),
    ]
    readonly_fields = ["secret_state", "last_attempt_at", "last_success_at", "last_error", "runs"]
    actions = ["test_selected", "pull_selected"]
    actions_detail = ["test_one", "pull_one"]

    @admin.display(description=_("token or password"))
    def secret_state(self, obj):
        return _("stored, encrypted") if obj and obj.secret else _("none yet")

    @admin.display(description=_("last error"))
    def error_shown(self, obj):
        return obj.last_error[:120] if obj.last_error else "—"

    @admin.display(description=_("import runs"))
    def runs(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:displacement_importrun_changelist") + f"?connection__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("this connection's pulls"))

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        organization = organization_of(request.user)

        class ScopedConnectionForm(base):
            def _post_clean(self):
                if not self.instance.organization_id:
                    self.instance.organization = organization  # so that the name's uniqueness is checked
                super()._post_clean()

        return ScopedConnectionForm

    def save_model(self, request, obj, form, change):
        connection_save(
            connection=obj,
            organization=organization_of(request.user),
            by=request.user,
            data={name: form.cleaned_data[name] for name in FIELDS if name in form.cleaned_data},
            secret=form.cleaned_data.get("new_secret") or "",
        )

    def delete_model(self, request, obj):
        connection_delete(connection=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for connection in queryset:
            connection_delete(connection=connection, by=request.user)

    # --- test and pull -----------------------------------------------------------------------

    def has_pull_permission(self, request, object_id=None):
        return self.has_change_permission(request)

    def _test(self, request, connection):
        try:
            name = connection_test(connection=connection)
        except PullError as exc:
            self.message_user(request, f"{connection.name}: {exc}", messages.ERROR)
        else:
            self.message_user(
                request, _("%(connection)s: connected, “%(name)s”.") % {"connection": connection, "name": name}
            )

    def _pull(self, request, connection):
        connection_pull_queue(connection=connection, by=request.user)
        self.message_user(
            request, _("%(connection)s: pull queued; its run appears under imports.") % {"connection": connection}
        )

    @action(description=_("Test connection"), permissions=["pull"])
    def test_selected(self, request, queryset):
        for connection in queryset:
            self._test(request, connection)

    @action(description=_("Pull now"), permissions=["pull"])
    def pull_selected(self, request, queryset):
        for connection in queryset:
            self._pull(request, connection)

    def _one(self, request, object_id, then):
        connection = self.get_object(request, str(object_id))  # scoped; None for a malformed id
        if connection is None:
            raise Http404(_("Not found."))
        then(request, connection)
        return HttpResponseRedirect(reverse("admin:displacement_pullconnection_change", args=[connection.pk]))

    @action(description=_("Test connection"), url_path="test", permissions=["pull"])
    def test_one(self, request, object_id):
        return self._one(request, object_id, self._test)

    @action(description=_("Pull now"), url_path="pull", permissions=["pull"])
    def pull_one(self, request, object_id):
        return self._one(request, object_id, self._pull)
