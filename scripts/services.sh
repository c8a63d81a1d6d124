#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1, starting them, or installing them from
# Debian's packages, where they do not; and that the PDF reports' font and libraries are
# installed. Used by scripts/dev.sh, scripts/test.sh and CI.
set -euo pipefail

# shellcheck source=scripts/apt.sh
source "$(dirname "$0")/apt.sh"

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null; then
    echo "安装 PostgreSQL ..."
    apt_install postgresql
  fi
  version=$(ls /etc/postgresql | sort -n | tail -1)
  echo "启动 PostgreSQL $version ..."
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL 未能启动" >&2; exit 1; }
fi
# Tests connect as postgres/postgres over TCP; where the server asks for a password
# (a fresh Debian install), give postgres that password.
if ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc "select 1" >/dev/null 2>&1; then
  as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\""
fi

if ! redis_up; then
  if ! command -v redis-server >/dev/null; then
    echo "安装 Redis ..."
    apt_install redis-server
  fi
  echo "启动 Redis ..."
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 30); do redis_up && break; sleep 1; done
  redis_up || { echo "Redis 未能启动" >&2; exit 1; }
fi
# The subsidy report's PDF (WeasyPrint) needs Pango and a CJK font (Noto Sans CJK SC,
# found through fontconfig); without them the PDF would show empty boxes for Chinese.
if ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "安装中文字体（fonts-noto-cjk）..."
  apt_install fontconfig fonts-noto-cjk
fi
if ! ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then
  echo "安装 WeasyPrint 所需的 Pango 库 ..."
  apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
fi
echo "PostgreSQL 与 Redis 已就绪。"
