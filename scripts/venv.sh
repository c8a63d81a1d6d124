# Sourced by the other scripts: create .venv if needed and install the given requirements
# file when it changed since the last install.
# shellcheck shell=bash
requirements_file="$1"
if [ ! -x .venv/bin/python ]; then
  echo "创建虚拟环境 .venv ..."
  python3 -m venv .venv
fi
stamp=".venv/.installed-$(basename "$requirements_file")"
if [ ! -f "$stamp" ] || [ "$requirements_file" -nt "$stamp" ] || [ requirements.txt -nt "$stamp" ]; then
  echo "安装依赖 ($requirements_file) ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r "$requirements_file"
  touch "$stamp"
fi
# shellcheck disable=SC1091
source .venv/bin/activate
