from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "liaison.directory"
    label = "directory"
    verbose_name = "Referral directory"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import role_rule
        from liaison.directory.policy import READER_ROLES

        navigation.register("Directory", "directory:list", role_rule(*READER_ROLES), order=300)
        from liaison.directory import panels, tasks  # noqa: F401  (home panel, periodic task)
