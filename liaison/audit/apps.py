from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "liaison.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.core.roles import Role

        navigation.register("Audit trail", "audit:list", role_rule(Role.ADMINISTRATOR), order=950)
        from liaison.audit import panels  # noqa: F401  (registers home panels)
