from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "liaison.demand"
    label = "demand"
    verbose_name = "Demand, forecasts and READ calibration"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.demand.policy import RATE_ROLES, REPORT_ROLES

        navigation.register("Demand", "demand:overview", role_rule(*REPORT_ROLES), order=390)
        navigation.register("READ calibration", "demand:calibration_rate", role_rule(*RATE_ROLES), order=391)
