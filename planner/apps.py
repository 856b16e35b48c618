from django.apps import AppConfig


class PlannerConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planner"
    verbose_name = "Enablement Planner"

    def ready(self) -> None:
        from planner import login_throttle  # noqa: F401  (connects its signal receiver)
