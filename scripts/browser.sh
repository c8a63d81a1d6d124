#!/usr/bin/env bash
# Make sure the browser tests (tests/browser, Playwright for Python) have a browser: Debian's
# Chromium at /usr/bin/chromium, and a CJK font for the pages' Chinese. Playwright's own
# browser download (`playwright install`) is never used. Used by scripts/test.sh and CI.
set -euo pipefail

# shellcheck source=scripts/apt.sh
source "$(dirname "$0")/apt.sh"

# The CJK font itself comes with services.sh (the PDF reports need it too).
if [ ! -x /usr/bin/chromium ]; then
  echo "安装 Chromium 浏览器（浏览器端到端测试用）..."
  apt_install chromium
fi
echo "Chromium 已就绪。"
