#!/usr/bin/env bash
# Set-up for tests/test_browser.py: Debian's chromium at /usr/bin/chromium (Playwright drives it; never
# `playwright install`) and fonts-noto-cjk (Chinese glyphs). Idempotent and quiet; installs only as root with
# apt-get, and never fails the caller: without chromium the browser test is skipped with the reason. Opt out: GONGKAI_BROWSER_SETUP=0.
set -u
chromium="${GONGKAI_CHROMIUM:-/usr/bin/chromium}"
# fonts-noto-cjk: without a CJK font chromium draws Chinese text as empty boxes (screenshots, the profile pages)
packages=()
[ -x "$chromium" ] || packages+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || packages+=(fonts-noto-cjk)
[ "${#packages[@]}" = 0 ] && exit 0
[ "${GONGKAI_BROWSER_SETUP:-1}" = 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "browser test set-up: missing ${packages[*]} (install as root: apt-get install ${packages[*]});" \
       "tests/test_browser.py is skipped without chromium, and draws Chinese as boxes without fonts-noto-cjk" >&2
  exit 0
fi
echo "browser test set-up: installing ${packages[*]} with apt-get (once)..." >&2
log="$(mktemp)"
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-q -o Acquire::Retries=2 -o Acquire::http::Timeout=30 -o Dpkg::Use-Pty=0)
if timeout 900 apt-get "${apt_opts[@]}" update >"$log" 2>&1 &&
   timeout 900 apt-get "${apt_opts[@]}" install -y --no-install-recommends "${packages[@]}" >>"$log" 2>&1; then
  echo "browser test set-up: ${packages[*]} installed" >&2
else
  echo "browser test set-up: apt-get could not install ${packages[*]}; tests/test_browser.py may be skipped. Last lines:" >&2
  tail -n 5 "$log" >&2
fi
rm -f "$log"
exit 0
