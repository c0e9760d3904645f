from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "liaison.insights"
    label = "insights"
    verbose_name = "Insights"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.insights.policy import VIEW_ROLES

        navigation.register("Insights", "insights:home", role_rule(*VIEW_ROLES), order=20, also_current=("/demand/",))
