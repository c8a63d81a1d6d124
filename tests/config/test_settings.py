import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_DATABASE = "from django.conf import settings; print(settings.DATABASES['default']['ATOMIC_REQUESTS'])"


@pytest.mark.parametrize("module", ["local", "test", "production"])
def test_every_environment_runs_each_request_in_a_transaction(module):
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environ.update(
        DJANGO_SETTINGS_MODULE=f"config.settings.{module}",
        SECRET_KEY="settings-test",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL="postgres://reserve:secret@db:5432/reserve",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_DATABASE}"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]
