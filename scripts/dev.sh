#!/usr/bin/env bash
# Run the app on this machine: PostgreSQL as in production (started, or installed from
# Debian's packages, where it does not answer on 127.0.0.1), Celery tasks in-process, demo
# county loaded. The database is DATABASE_URL, by default reserve_cadre_dev on 127.0.0.1
# (config/settings/local.py), created when missing.
# Usage: ./scripts/dev.sh            (then open http://127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
source scripts/venv.sh requirements.txt

export DJANGO_SETTINGS_MODULE=config.settings.local
python manage.py ensure_database
python manage.py migrate --noinput
python manage.py load_demo
address="${PORT:-127.0.0.1:8000}"
echo
echo "打开 http://${address} ，使用上面列出的演示账号登录。按 Ctrl+C 停止。"
exec python manage.py runserver "$address"
