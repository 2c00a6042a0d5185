#!/usr/bin/env bash
# Installs the Debian packages the platform runs on: PostgreSQL, Redis and the ClamAV daemon (started by the AppHost
# from their binaries, never as system services it depends on), and with --browser Chromium for the browser tests.
# Installs only what is missing; needs root or sudo for that.
set -euo pipefail

packages=(postgresql redis-server clamav-daemon)
[[ "${1:-}" == "--browser" ]] && packages+=(chromium)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "Installing ${missing[*]} needs root: run as root or install sudo." >&2; exit 1; }
  sudo="sudo"
fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The package starts clamd and freshclam as system services; the platform runs its own clamd, and freshclam cannot
# reach its mirrors here.
if [[ " ${missing[*]} " == *" clamav-daemon "* ]] && command -v service >/dev/null; then
  $sudo service clamav-freshclam stop >/dev/null 2>&1 || true
  $sudo service clamav-daemon stop >/dev/null 2>&1 || true
fi
