from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.core.roles import STAFF_ROLES

        navigation.register("API tokens", "accounts:tokens", role_rule(*STAFF_ROLES), order=900)
        from liaison.accounts import panels, signals  # noqa: F401  (registers home panels and signal receivers)
