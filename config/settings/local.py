"""Development on one machine (scripts/dev.sh): PostgreSQL on 127.0.0.1 as everywhere else,
Celery tasks run in-process, debug on."""

from .base import *  # noqa: F403
from .base import REPORTS_STORAGE, database, env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-not-for-production-7Gk2p9QxLr")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DATABASES = {"default": database(default="postgres://postgres:postgres@127.0.0.1:5432/reserve_cadre_dev")}

CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "reports": REPORTS_STORAGE,
}
