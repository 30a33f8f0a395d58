from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Writers of the open standards the registry's users report to: IATI, HXL, HSDS."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "interchange"
    verbose_name = "Interchange"
