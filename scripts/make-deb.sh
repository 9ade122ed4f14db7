#!/bin/bash
# Builds BUILD/chatd_VERSION_ARCH.deb with dpkg-deb from `make install` into a
# staging tree (PREFIX=/usr): the stripped binaries, man pages, web client,
# docs, unit and /etc/chatd/chatd.conf (a conffile: dpkg keeps an edited one).
# Depends: the packages that own the shared libraries build/chatd loads, at
# least at the versions it was built against. Maintainer scripts: postinst
# dist/chatd-postinst.sh (the chatd user, /var/lib/chatd), prerm and postrm
# from dist/deb/.
# Usage: scripts/make-deb.sh BUILD VERSION
set -euo pipefail
BUILD=$1
VERSION=$2
ARCH=$(dpkg --print-architecture)
STAGE=$BUILD/deb/chatd_${VERSION}_$ARCH
DEB=$BUILD/chatd_${VERSION}_$ARCH.deb

rm -rf "$STAGE"
make --no-print-directory BUILD="$BUILD" PREFIX=/usr DESTDIR="$STAGE" install >/dev/null

# The package owning a library, as dpkg knows its path (with or without /usr: usrmerge).
owner() {
  local path
  for path in "$1" "$(realpath "$1")" "${1#/usr}" "$(realpath "$1" | sed 's|^/usr||')"; do
    dpkg-query -S "$path" 2>/dev/null | sed -n '1s/:.*//p' | grep . && return
  done
  echo "make-deb: no package owns $1" >&2
  return 1
}
depends=""
for package in $(ldd "$STAGE/usr/bin/chatd" | awk '/=> \// { print $3 }' | while read -r lib; do owner "$lib"; done | sort -u); do
  version=$(dpkg-query -W -f='${Version}' "$package" | sed 's/-[^-]*$//')  # the upstream part
  depends="${depends:+$depends, }$package (>= $version)"
done

mkdir -p "$STAGE/DEBIAN"
install -m 755 dist/chatd-postinst.sh "$STAGE/DEBIAN/postinst"
install -m 755 dist/deb/prerm dist/deb/postrm "$STAGE/DEBIAN/"
find "$STAGE/etc" -type f | sed "s|^$STAGE||" > "$STAGE/DEBIAN/conffiles"
cat > "$STAGE/DEBIAN/control" <<CONTROL
Package: chatd
Version: $VERSION
Architecture: $ARCH
Maintainer: chatd developers <chatd@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: $depends, passwd
Section: net
Priority: optional
Homepage: https://github.com/chatd/chatd
Description: real-time chat server (WebSocket, HTTP API, web client)
 chatd is a single-threaded epoll chat server: rooms, direct messages,
 presence, history and resume over WebSocket, a JSON HTTP API, and a
 browser client, with an embedded SQLite store or a Redis cluster.
 Runs under systemd (Type=notify, hardened unit); see chatd(8).
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
echo "$DEB: $(du -h "$DEB" | cut -f1), Depends: $depends, passwd"
