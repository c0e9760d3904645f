from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "liaison.places"
    label = "places"
    verbose_name = "Places"

    def ready(self):
        from liaison.core import navigation
        from liaison.core.access import SIGNED_IN

        navigation.register("Places & hours", "places:list", SIGNED_IN, order=800)
        from liaison.places import panels  # noqa: F401  (registers home panels)
