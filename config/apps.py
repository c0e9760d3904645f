from django.contrib.admin.apps import AdminConfig


class LiaisonAdminConfig(AdminConfig):
    default_site = "config.admin_site.LiaisonAdminSite"
