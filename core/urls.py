from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("admin-tools/markdown-preview/", views.markdown_preview, name="markdown_preview"),
]
