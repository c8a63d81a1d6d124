import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# check --deploy does not connect to the database: a host that cannot resolve proves it.
UNREACHABLE_DATABASE = "postgres://reserve:secret@db.invalid:5432/reserve"


def _check_deploy(**env):
    environ = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    environ.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_only_the_hsts_warning_the_readme_explains():
    result = _check_deploy(
        SECRET_KEY="x" * 20 + "Kq9#mZ2!vT7@pL4$wR8%nB6^cY1&dF3*hJ5",
        ALLOWED_HOSTS="rc.example.gov.cn",
        DATABASE_URL=UNREACHABLE_DATABASE,
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    issues = [line.split(")")[0] + ")" for line in result.stderr.splitlines() if line.startswith("?:")]
    assert issues == ["?: (security.W004)"], result.stderr
    assert "security.W004" in (ROOT / "README.md").read_text()


def test_production_refuses_to_start_without_a_secret_key():
    result = _check_deploy(ALLOWED_HOSTS="x", DATABASE_URL=UNREACHABLE_DATABASE, REDIS_URL="redis://x")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
