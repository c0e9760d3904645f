
app_name = "software"

urlpatterns: list = []
