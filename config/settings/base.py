"""Settings shared by every environment. Environment-specific modules import from here."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    env.read_env(str(env_file))

DEBUG = env.bool("DEBUG", default=False)


def database(default=environ.Env.NOTSET) -> dict:
    """The default database, from DATABASE_URL. Every environment runs each request in one
    transaction (ATOMIC_REQUESTS), so a view behaves the same in development, tests and
    production: when it fails, nothing it wrote stays."""
    config = env.db("DATABASE_URL", default=default)
    config["ATOMIC_REQUESTS"] = True
    return config


INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "common",
    "accounts",
    "imports",
    "org",
    "cadre",
    "mentorship",
    "assessment",
    "training",
    "subsidies",
    "reports",
    "demo",  # the demo county (load_demo); builds on every domain app above
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.UnitAwareModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "cadre:list"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# One language for everyone: the interface is Chinese whatever the browser asks for.
# Every text goes through gettext, so an English locale can follow (locale/, makemessages).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))

# Generated reports are personal data: kept outside MEDIA_ROOT, with no URL of their own,
# and served only by the authorised download view.
REPORTS_ROOT = env.path("REPORTS_ROOT", default=str(BASE_DIR / "var" / "reports"))
REPORTS_STORAGE = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(REPORTS_ROOT), "base_url": None},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "reports": REPORTS_STORAGE,
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploaded photos are small; anything bigger is rejected before it reaches the disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    # Token first, so that an anonymous API call gets 401 with WWW-Authenticate: Token.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "common.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "common.filters.ApiOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "common.api.AutoSchema",
    "VIEW_NAME_FUNCTION": "common.api.view_name",
    "VIEW_DESCRIPTION_FUNCTION": "common.api.view_description",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
}

# django-filter's select placeholders: a filter left blank means "all" (never "---------").
FILTERS_EMPTY_CHOICE_LABEL = _("全部")

SPECTACULAR_SETTINGS = {
    "TITLE": "村级后备干部管理系统 API",
    "DESCRIPTION": "县委组织部村级后备干部管理系统接口（v1）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI sections (common.api.AutoSchema names them after the models), in this order.
    "TAGS": [
        {"name": name}
        for name in (
            "后备干部",
            "乡镇(街道)",
            "村(社区)",
            "导师库",
            "结对",
            "帮带记录",
            "一线历练",
            "考核年度",
            "年度考核",
            "培训班次",
            "培训考勤",
            "月度补贴表",
            "补贴明细",
            "报表",
            "登录令牌",
        )
    ],
    "ENUM_NAME_OVERRIDES": {
        "CadreStatusEnum": "cadre.models.Status",
        "MentorKindEnum": "mentorship.models.MentorKind",
        "ReportKindEnum": "reports.models.ReportKind",
        "ReportStatusEnum": "reports.models.RunStatus",
    },
}

CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = CELERY_BROKER_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Tasks that may run twice (reports.build) acknowledge late (acks_late, reject_on_worker_lost
# on the task): a worker killed mid-report leaves the message in Redis, which hands it to
# another worker after the visibility timeout.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task (CELERY_TASK_TIME_LIMIT), or a slow report is started twice.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60),
}
# Periodic jobs (run by the `beat` service) live in django-celery-beat's tables: the default
# schedule is written in reports/schedule.py and installed by a migration and by
# `manage.py install_schedule`; the county changes it in the admin without a deploy.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Reports (reports/): the subsidy PDF is skipped above this many lines (the xlsx is always made).
REPORTS_PDF_MAX_LINES = env.int("REPORTS_PDF_MAX_LINES", default=5000)
# Test-only: seconds to sleep per chunk of rows while building, so a test can kill a worker mid-report.
REPORTS_TEST_DELAY = env.float("REPORTS_TEST_DELAY", default=0.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
}
