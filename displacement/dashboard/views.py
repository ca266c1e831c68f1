"""/dashboard/: charts for an organisation's staff, drawn by the admin theme's Chart.js.

Server-rendered: the view computes each chart's data from the summary tables and the
template hands it to the theme's script as JSON in data attributes (no inline script, so the
content security policy stays strict), with each chart's text alternative (``charts.py``).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminDateWidget, UnfoldAdminSelectWidget

from displacement import models as m
from displacement.dashboard.charts import dashboard_charts, weekly_notes
from displacement.models.dates import QUERY_WINDOW
from displacement.models.vocab import EventType
from displacement.selectors.access import Viewer
from displacement.selectors.dashboard import DashboardFilters, dashboard_data, default_period


def may_see_dashboard(request) -> bool:
    return Viewer.of(request.user).is_staff_member


class DashboardFilterForm(forms.Form):
    # The period may end after today (the default ends on this week's Sunday), not after the
    # query window: a year like 9999 is a form error, not a 500.
    since = forms.DateField(label=_("From"), required=False, widget=UnfoldAdminDateWidget, validators=[QUERY_WINDOW])
    until = forms.DateField(label=_("To"), required=False, widget=UnfoldAdminDateWidget, validators=[QUERY_WINDOW])
    adm1 = forms.ChoiceField(label=_("Oblast"), required=False, widget=UnfoldAdminSelectWidget)
    event_type = forms.ChoiceField(
        label=_("Event type"),
        required=False,
        choices=[("", _("All event types")), *EventType.choices],
        widget=UnfoldAdminSelectWidget,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        oblasts = m.Place.objects.filter(admin_level=1).order_by("name_en").values_list("pcode", "name_en")
        self.fields["adm1"].choices = [("", _("All oblasts")), *oblasts]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError(_("The period ends before it starts."))
        return cleaned


def dashboard(request):
    viewer = Viewer.of(request.user)
    if not viewer.is_staff_member:
        raise PermissionDenied
    organization = viewer.organization
    since, until = default_period(organization)
    form = DashboardFilterForm(request.GET or None, initial={"since": since, "until": until})
    filters = DashboardFilters(since=since, until=until)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = DashboardFilters(
            since=data["since"] or since,
            until=data["until"] or until,
            adm1=data["adm1"],
            event_type=data["event_type"],
        )
    data = dashboard_data(organization, filters)
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard"),
        "form": form,
        "filters": filters,
        "data": data,
        "charts": dashboard_charts(data),
        "weekly_notes": weekly_notes(data["weekly"]),
    }
    return TemplateResponse(request, "dashboard.html", context)
