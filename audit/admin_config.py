"""Django's admin app on ``AuditedAdminSite`` (``INSTALLED_APPS`` names this in place of
``django.contrib.admin``). A module of its own: the site imports models, which an app config
module must not do before the app registry is ready."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class AuditedAdminConfig(AdminConfig):
    default_site = "audit.admin_site.AuditedAdminSite"
