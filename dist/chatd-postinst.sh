#!/bin/sh
# The post-install step of chatd: creates the `chatd` system user (no login,
# no home of its own) and its state directory /var/lib/chatd (0700), lets
# the user read /etc/chatd/chatd.conf (root:chatd 0640), and tells systemd
# about the unit. The Debian package runs it as its postinst; after
# `make install`, run it once as root:  sh dist/chatd-postinst.sh configure
# Safe to run again.
set -e

case "${1:-configure}" in
  configure)
    if ! getent passwd chatd >/dev/null; then
      useradd --system --user-group --home-dir /var/lib/chatd --no-create-home \
        --shell /usr/sbin/nologin --comment "chatd chat server" chatd
    fi
    install -d -o chatd -g chatd -m 0700 /var/lib/chatd
    if [ -f /etc/chatd/chatd.conf ]; then
      chown root:chatd /etc/chatd /etc/chatd/chatd.conf
      chmod 0750 /etc/chatd
      chmod 0640 /etc/chatd/chatd.conf
    fi
    # Not started or enabled here: the operator reviews chatd.conf first
    # (systemctl enable --now chatd).
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
    ;;
esac
exit 0
