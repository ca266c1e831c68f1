"""The admin sidebar: casework first, grouped the way caseworkers think, each link shown
only to those whose admin permissions allow it."""

from django.apps import apps
from django.contrib import admin


def can_view(request, model_label: str) -> bool:
    model = apps.get_model(model_label)
    model_admin = admin.site._registry.get(model)
    return bool(model_admin and model_admin.has_module_permission(request))
