from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("healthz/ready", views.healthz_ready, name="healthz_ready"),
    path("admin-tools/markdown-preview/", views.markdown_preview, name="markdown_preview"),
]
