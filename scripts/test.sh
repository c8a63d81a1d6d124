#!/usr/bin/env bash
# Run the whole test suite against PostgreSQL and Redis on 127.0.0.1 (started or installed
# where missing). Extra arguments go to pytest, e.g. ./scripts/test.sh tests/cadre -x
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
bash scripts/browser.sh
source scripts/venv.sh requirements-dev.txt

export DATABASE_URL="${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/reserve_cadre}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/15}"
ruff check .
ruff format --check . >/dev/null || { echo "代码格式不符：请运行 ruff format ." >&2; exit 1; }
python manage.py makemigrations --check --dry-run --settings=config.settings.test >/dev/null \
  || { echo "模型有改动但缺少迁移文件：请运行 makemigrations" >&2; exit 1; }
# A fresh test database every run: a stale one kept by --reuse-db cannot hide a migration.
exec pytest --create-db "$@"
