from django.apps import AppConfig


class PlannerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planner"
    verbose_name = "Enablement Planner"

    def ready(self) -> None:
        # Each connects its signal receiver.
        from planner import languages, login_throttle  # noqa: F401
