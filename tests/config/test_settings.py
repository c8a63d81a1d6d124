import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_DATABASE = (
    "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['ATOMIC_REQUESTS'])"
)


@pytest.mark.parametrize("module", ["local", "test", "production"])
def test_every_environment_uses_postgresql_and_runs_each_request_in_a_transaction(module):
    environ = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    environ.update(
        DJANGO_SETTINGS_MODULE=f"config.settings.{module}",
        SECRET_KEY="settings-test",
        ALLOWED_HOSTS="localhost",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    if module == "production":  # the one without a default
        environ["DATABASE_URL"] = "postgres://reserve:secret@db.invalid:5432/reserve"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_DATABASE}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "True"]
