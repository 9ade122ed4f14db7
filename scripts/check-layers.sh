#!/bin/sh
# Fails (exit 1) when a source file includes a header of a layer it may not
# use: arrows point down only (docs/architecture.md). Each line below names a
# folder and the folders its files may include, itself first; a subfolder
# (store/redis) is held to its folder's line.
set -u
cd "$(dirname "$0")/.."

allowed() {
  case "$1" in
    reactor) echo "reactor" ;;
    proto)   echo "proto" ;;
    store)   echo "store reactor" ;;
    server)  echo "server proto reactor" ;;
    auth)    echo "auth store proto reactor" ;;
    chat)    echo "chat server auth store proto reactor" ;;
    api)     echo "api chat server auth store proto reactor" ;;
    app)     echo "app api chat server auth store proto reactor" ;;
    bench)   echo "bench proto reactor" ;;
  esac
}

status=0
for layer in reactor proto store server auth chat api app bench; do
  ok=$(allowed "$layer")
  for file in "$layer"/*.h "$layer"/*.cc "$layer"/*/*.h "$layer"/*/*.cc; do
    [ -f "$file" ] || continue
    for target in $(sed -n 's|^#include "\([a-z]*\)/.*"|\1|p' "$file" | sort -u); do
      case " $ok " in
        *" $target "*) ;;
        *) echo "check-layers: $file includes $target/, which $layer/ may not use (allowed: $ok)" >&2; status=1 ;;
      esac
    done
  done
done
exit $status
