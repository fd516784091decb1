from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import views as core_views

# Our apps, in layer order (docs/architecture.md). Paths are a contract and never overlap.
APPS = (
    "accounts",
    "notifications",
    "skills",
    "assessments",
    "courses",
    "qa",
    "onboarding",
    "readiness",
)

api_v1 = [path("", include(f"{app}.api_urls")) for app in APPS]
api_v1.append(path("", include("xapi.api_urls")))  # xAPI outbox (admins); no pages of its own
api_v1.append(path("", include("practice.api_urls")))  # daily practice (docs/practice.md)
api_v1.append(path("", include("privacy.api_urls")))  # personal data, admins (docs/privacy.md)

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # Translations for static/js (domain "djangojs", from locale/ only).
    path("jsi18n/", JavaScriptCatalog.as_view(packages=["core"]), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    *[path("", include(f"{app}.urls")) for app in APPS],
    path("", include("practice.urls")),
    path("", include("privacy.urls")),  # personal data: export and erasure (docs/privacy.md)
    path("", include("home.urls")),
    path("", include("core.urls")),
]

handler400 = "core.views.bad_request"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
