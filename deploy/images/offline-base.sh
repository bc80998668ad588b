#!/usr/bin/env bash
# Builds a minimal Java base image tarball (docker-save format) from the local JDK, for Jib on machines that
# cannot reach a container registry:
#   deploy/images/offline-base.sh                      -> deploy/images/target/fleetplan-base.tar
#   ./mvnw -pl cli -Pjib package -Djib.base=tar://$PWD/deploy/images/target/fleetplan-base.tar
# The image holds a jlink'd runtime (/opt/java) plus the host's C libraries it links against, /etc/passwd with
# the non-root user 65532 and /tmp. Where a registry is reachable, the default base (eclipse-temurin) is better.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/.mvn/find-jdk.sh"
out="$here/target"
rootfs="$out/rootfs"
rm -rf "$out" && mkdir -p "$rootfs/opt" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc"
chmod 1777 "$rootfs/tmp"

modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,java.xml,jdk.httpserver,jdk.unsupported,jdk.management,jdk.zipfs,java.instrument,jdk.crypto.cryptoki
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$rootfs/opt/java"

# the C libraries the runtime needs, at their host paths (the image has no distribution of its own)
{ find "$rootfs/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 | xargs -0 ldd 2>/dev/null \
    | grep -oE '/[^ ]+\.so[^ ]*' ; echo /lib64/ld-linux-x86-64.so.2; } | sort -u | while read -r lib; do
  [ -e "$lib" ] || continue
  case "$lib" in "$rootfs"/*) continue ;; esac
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
done
printf 'root:x:0:0:root:/root:/sbin/nologin\nfleetplan:x:65532:65532:fleetplan:/tmp:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nfleetplan:x:65532:\n' > "$rootfs/etc/group"
echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2020-01-01' -C "$rootfs" -cf "$out/layer.tar" .
diff_id=$(sha256sum "$out/layer.tar" | cut -d' ' -f1)
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],"User":"65532"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created_by":"deploy/images/offline-base.sh (jlink + host libc)"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["fleetplan-base:local"],"Layers":["layer.tar"]}]' > "$out/manifest.json"
tar -C "$out" -cf "$out/fleetplan-base.tar" manifest.json config.json layer.tar
rm -f "$out/layer.tar"
echo "base image: $out/fleetplan-base.tar ($(du -h "$out/fleetplan-base.tar" | cut -f1)); rootfs kept in $rootfs for chroot checks"
