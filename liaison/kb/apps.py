from django.apps import AppConfig


class KbConfig(AppConfig):
    name = "liaison.kb"
    label = "kb"
    verbose_name = "Knowledge base"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.kb.policy import READER_ROLES

        navigation.register("Knowledge base", "kb:list", role_rule(*READER_ROLES), order=320)
