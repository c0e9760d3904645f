from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "liaison.demand"
    label = "demand"
    verbose_name = "Demand, forecasts and READ calibration"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.demand.policy import RATE_ROLES

        # Demand and forecasts is one of Insights' pages (its tab row links here): no menu entry
        # of its own, and the Insights entry stays lit on its pages.
        navigation.register("READ calibration", "demand:calibration_rate", role_rule(*RATE_ROLES), order=391)
