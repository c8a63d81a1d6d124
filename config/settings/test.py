"""Tests run against the real services the product uses: PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import database, env

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

DATABASES = {"default": database(default="postgres://postgres@127.0.0.1:5432/reserve_cadre")}

CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/15")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
# Page tests run tasks in-process, as the embedded mode does; tests that need the real
# thing use the ``celery_worker`` fixture, which turns this off for their duration.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)  # a worker subprocess turns it off
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL}}

REPORTS_ROOT = env.path("REPORTS_ROOT", default="/tmp/reserve_cadre_test_reports")
REPORTS_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(REPORTS_ROOT), "base_url": None},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "reports": REPORTS_STORAGE,
}

MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/reserve_cadre_test_media")
# Serve static files from the source folders; tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
