#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests need on a fresh machine (root, or sudo):
# Dovecot (IMAP), PostgreSQL, Tesseract (scanned records), antiword (legacy .doc) and Chromium
# (the web page's browser tests), and Node.js with npm when there is none (for axe-core).
# Does nothing when all are present.
set -euo pipefail
PACKAGES=(dovecot-imapd dovecot-lmtpd postgresql tesseract-ocr tesseract-ocr-eng antiword catdoc
          chromium fonts-dejavu-core)
# Node.js and npm (for axe-core) may come from elsewhere: only install them when missing.
command -v npm >/dev/null 2>&1 || PACKAGES+=(nodejs npm)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
