#!/usr/bin/env bash
# Run the app on this machine: embedded SQLite, Celery tasks in-process, demo county loaded.
# Usage: ./scripts/dev.sh            (then open http://127.0.0.1:8000)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt

export DJANGO_SETTINGS_MODULE=config.settings.local
python manage.py migrate --noinput
python manage.py load_demo
address="${PORT:-127.0.0.1:8000}"
echo
echo "打开 http://${address} ，使用上面列出的演示账号登录。按 Ctrl+C 停止。"
exec python manage.py runserver "$address"
