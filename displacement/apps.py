from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisplacementConfig(AppConfig):
    name = "displacement"
    verbose_name = _("Casework")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from displacement import db  # noqa: F401  (connects its signal)
        from displacement.services import (  # noqa: F401  (connect their signals)
            event_duplicates,
            reports,
            tombstones,
        )
