from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import SIGNED_IN

        navigation.register("API tokens", "accounts:tokens", SIGNED_IN, order=900)
        from liaison.accounts import panels, signals  # noqa: F401  (registers home panels and signal receivers)
