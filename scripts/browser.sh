#!/usr/bin/env bash
# Make sure the browser tests (tests/browser, Playwright for Python) have a browser: Debian's
# Chromium at /usr/bin/chromium, and a CJK font for the pages' Chinese. Playwright's own
# browser download (`playwright install`) is never used. Used by scripts/test.sh and CI.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=""
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "安装 Chromium 浏览器（浏览器端到端测试用）..."
  apt_install chromium fonts-noto-cjk
elif ! command -v fc-list >/dev/null || [ -z "$(fc-list :lang=zh 2>/dev/null)" ]; then
  echo "安装中文字体（fonts-noto-cjk）..."
  apt_install fontconfig fonts-noto-cjk
fi
echo "Chromium 已就绪。"
