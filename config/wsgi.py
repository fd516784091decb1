import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

from core.production import require_production_settings  # noqa: E402 (needs the apps loaded)

require_production_settings()
