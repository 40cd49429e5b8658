#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The Debian packages, end to end, in a throwaway root: scripts/package builds hostmon-agent and
# hostmon-collector (+ -dbgsym) from the build tree; then, in a private mount namespace, a
# copy-on-write overlay of this machine's root (tmpfs upper layer) becomes a chroot in which the
# packages are installed with dpkg, run (`hostmon-agent --once`, `--check-config` of both with
# the installed configs), verified (file list, conffiles, user, nothing enabled, stripped
# binaries with their debug info in the dbgsym package, `systemd-analyze verify` with the
# installed man pages), removed and purged. The upper layer then shows what the packages left:
# nothing but dpkg's own bookkeeping may differ from before. The real dpkg database is never
# written (every write lands in the tmpfs, dropped with the namespace).
#
# usage: package_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail

if [[ ${1:-} == --inside ]]; then
  shift
  inside=1
else
  inside=0
fi
SRC=$(cd "$1" && pwd)
BUILD=$(cd "$2" && pwd)
PKG=$BUILD/packages
pass=0
fail=0
check() {  # check NAME COMMAND...
  local name=$1
  shift
  if "$@" >"$WORK/check.out" 2>&1; then
    echo "PASS: $name"
    pass=$((pass + 1))
  else
    echo "FAIL: $name"
    sed 's/^/    | /' "$WORK/check.out" | head -40
    fail=$((fail + 1))
  fi
}

if [[ $inside -eq 0 ]]; then
  # Skipped (77) where the throwaway root cannot be made: not root, or no mount namespaces/overlayfs.
  [[ $(id -u) -eq 0 ]] || { echo "package_test: SKIP: needs root (mount namespace, chroot)" >&2; exit 77; }
  unshare --mount --propagation private sh -c 'd=$(mktemp -d) && mount -t tmpfs tmpfs "$d" &&
    mkdir "$d/u" "$d/w" "$d/m" && mount -t overlay overlay -o "lowerdir=/,upperdir=$d/u,workdir=$d/w" "$d/m";
    r=$?; umount -l "$d" 2>/dev/null; rmdir "$d"; exit $r' ||
    { echo "package_test: SKIP: no mount namespace or overlayfs here" >&2; exit 77; }
  start=$(date +%s)
  # HOSTMON_PACKAGE_TEST_REUSE=1: test the packages build/packages/ holds (when iterating).
  if [[ -z ${HOSTMON_PACKAGE_TEST_REUSE:-} ]]; then
    # Man pages and package docs from the binaries already built.
    cmake --build "$BUILD" --target hostmon_man hostmon_package_docs >/dev/null
    BUILD_DIR=$BUILD "$SRC/scripts/package" --no-build
    echo "package_test: packages built in $(($(date +%s) - start)) s"
  fi
  exec unshare --mount --propagation private "$0" --inside "$SRC" "$BUILD"
fi

# ---- inside the private mount namespace ----
WORK=$(mktemp -d /tmp/hostmon-package-test.XXXXXX)
cleanup() {
  for m in "$WORK/root/proc" "$WORK/root/sys" "$WORK/root/dev" "$WORK/root" "$WORK"; do
    umount -l "$m" 2>/dev/null || true
  done
  rmdir "$WORK" 2>/dev/null || true
}
trap cleanup EXIT
mount -t tmpfs -o size=2G tmpfs "$WORK"
mkdir -p "$WORK/upper" "$WORK/work" "$WORK/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$WORK/upper,workdir=$WORK/work" "$WORK/root"
R=$WORK/root
mount --bind /proc "$R/proc"
mount --bind /sys "$R/sys"
mount --bind /dev "$R/dev"
mkdir -p "$R/tmp/debs"
cp "$PKG"/hostmon-agent_*.deb "$PKG"/hostmon-collector_*.deb "$PKG"/*.ddeb "$R/tmp/debs/"
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 "$@"; }
# Not a systemd system inside: the maintainer scripts skip daemon-reload, as in a container.
rm -rf "$R/run/systemd/system"
before_passwd=$(grep -c . /etc/passwd)

# -- install --
check "dpkg -i hostmon-agent hostmon-collector" \
  in_root sh -c 'dpkg -i /tmp/debs/hostmon-agent_*.deb /tmp/debs/hostmon-collector_*.deb'
check "both packages are installed" sh -c \
  "chroot '$R' dpkg-query -W -f='\${db:Status-Abbrev}\n' hostmon-agent hostmon-collector | grep -c '^ii' | grep -qx 2"

AGENT_FILES="/usr/bin/hostmon-agent /lib/systemd/system/hostmon-agent.service /etc/hostmon/agent.yml
  /usr/share/man/man1/hostmon-agent.1.gz /usr/share/doc/hostmon-agent/copyright
  /usr/share/doc/hostmon-agent/changelog.gz
  /usr/share/hostmon-agent/systemd/hostmon-agent.service.d/smart.conf
  /usr/share/hostmon-agent/systemd/hostmon-agent.service.d/ipmi-inband.conf"
COLLECTOR_FILES="/usr/bin/hostmon-collector /lib/systemd/system/hostmon-collector.service
  /etc/hostmon/collector.yml /etc/hostmon/rules.yml /usr/share/man/man1/hostmon-collector.1.gz
  /usr/share/doc/hostmon-collector/copyright"
for f in $AGENT_FILES; do
  check "hostmon-agent ships $f" sh -c "chroot '$R' dpkg -L hostmon-agent | grep -qx '$f'"
done
for f in $COLLECTOR_FILES; do
  check "hostmon-collector ships $f" sh -c "chroot '$R' dpkg -L hostmon-collector | grep -qx '$f'"
done
echo "installed files:"
{ in_root dpkg -L hostmon-agent hostmon-collector || true; } | while read -r f; do
  if [[ -f $R$f ]]; then echo "  $f"; fi
done | sort -u
check "conffiles: /etc/hostmon/agent.yml" sh -c \
  "chroot '$R' dpkg-query -W -f='\${Conffiles}' hostmon-agent | grep -q ' /etc/hostmon/agent.yml '"
check "conffiles: /etc/hostmon/collector.yml and rules.yml" sh -c \
  "chroot '$R' dpkg-query -W -f='\${Conffiles}' hostmon-collector | grep -q ' /etc/hostmon/rules.yml ' &&
   chroot '$R' dpkg-query -W -f='\${Conffiles}' hostmon-collector | grep -q ' /etc/hostmon/collector.yml '"
check "Depends: computed by dpkg-shlibdeps (libc6, adduser)" sh -c \
  "chroot '$R' dpkg-query -W -f='\${Depends}\n' hostmon-agent hostmon-collector | grep -c 'libc6.*adduser\|adduser.*libc6' | grep -qx 2"
check "system user and group hostmon (uid < 1000, no login shell)" sh -c \
  "line=\$(chroot '$R' getent passwd hostmon) && uid=\$(echo \$line | cut -d: -f3) &&
   [ \$uid -lt 1000 ] && echo \$line | grep -q ':/usr/sbin/nologin$' && chroot '$R' getent group hostmon"
check "nothing enabled: no hostmon unit in /etc/systemd/system" sh -c \
  "! find '$R/etc/systemd/system' -name 'hostmon-*' | grep -q ."
check "binaries stripped (no .debug_info, no symtab)" sh -c \
  "for b in hostmon-agent hostmon-collector; do
     ! readelf -S '$R/usr/bin/'\$b | grep -qE '\\.debug_info|\\.symtab' || exit 1; done"
sizes=$(stat -c '%n %s' "$R/usr/bin/hostmon-agent" "$R/usr/bin/hostmon-collector")
echo "installed binary sizes: $(echo $sizes | sed "s|$R||g")"
# The footprint budget of an installed binary (stripped; the agent links gRPC, protobuf and Abseil
# statically, the collector as shared libraries).
check "installed binaries at most 12 MB (12000000 bytes) each" sh -c \
  "for b in hostmon-agent hostmon-collector; do
     s=\$(stat -c %s '$R/usr/bin/'\$b); [ \$s -le 12000000 ] || { echo \"\$b: \$s bytes\"; exit 1; }; done"

# -- run as installed --
check "hostmon-agent --once (as user hostmon)" sh -c \
  "chroot '$R' setpriv --reuid=hostmon --regid=hostmon --init-groups /usr/bin/hostmon-agent --once | grep -q '^node_cpu_seconds_total'"
check "hostmon-agent --check-config with the installed /etc/hostmon/agent.yml" sh -c \
  "chroot '$R' setpriv --reuid=hostmon --regid=hostmon --init-groups /usr/bin/hostmon-agent --config.file=/etc/hostmon/agent.yml --check-config | grep -q SUCCESS"
check "hostmon-collector --check-config with the installed /etc/hostmon/collector.yml" sh -c \
  "chroot '$R' setpriv --reuid=hostmon --regid=hostmon --init-groups /usr/bin/hostmon-collector --config.file=/etc/hostmon/collector.yml --check-config | grep -q SUCCESS"
check "hostmon-collector --check-rules /etc/hostmon/rules.yml" \
  in_root /usr/bin/hostmon-collector --check-rules /etc/hostmon/rules.yml
check "--version of both" sh -c \
  "chroot '$R' /usr/bin/hostmon-agent --version | grep -q hostmon-agent && chroot '$R' /usr/bin/hostmon-collector --version | grep -q hostmon-collector"
check "man pages render without warnings" sh -c \
  "for p in hostmon-agent hostmon-collector; do
     out=\$(chroot '$R' env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l /usr/share/man/man1/\$p.1.gz 2>&1 >/dev/null); [ -z \"\$out\" ] || { echo \"\$out\"; exit 1; }; done"
check "systemd-analyze verify of the installed units (man pages, binaries)" sh -c \
  "out=\$(chroot '$R' systemd-analyze verify /lib/systemd/system/hostmon-agent.service /lib/systemd/system/hostmon-collector.service 2>&1); rc=\$?; echo \"\$out\"; [ \$rc -eq 0 ] && [ -z \"\$out\" ]"

# -- debug info in the dbgsym packages --
check "dpkg -i the -dbgsym packages" in_root sh -c 'dpkg -i /tmp/debs/*.ddeb'
check "debug info of both binaries found by build id" sh -c \
  "for b in hostmon-agent hostmon-collector; do
     id=\$(readelf -n '$R/usr/bin/'\$b | sed -n 's/.*Build ID: //p');
     [ -n \"\$id\" ] && f='$R/usr/lib/debug/.build-id/'\$(echo \$id | cut -c1-2)/\$(echo \$id | cut -c3-).debug &&
     readelf -S \$f | grep -q '\\.debug_info' || { echo \"no debug file for \$b (\$id)\"; exit 1; }; done"

# -- state as the service would leave it, then remove and purge --
in_root install -d -o hostmon -g hostmon -m 0700 /var/lib/hostmon/spool /var/lib/hostmon-collector
in_root setpriv --reuid=hostmon --regid=hostmon --init-groups \
  touch /var/lib/hostmon/spool/segment /var/lib/hostmon-collector/alert-state.json
mkdir -p "$R/etc/systemd/system/multi-user.target.wants"
ln -s /lib/systemd/system/hostmon-agent.service "$R/etc/systemd/system/multi-user.target.wants/"
check "dpkg -r removes the binaries, keeps the conffiles" sh -c \
  "chroot '$R' dpkg -r hostmon-agent-dbgsym hostmon-collector-dbgsym hostmon-agent hostmon-collector >/dev/null &&
   [ ! -e '$R/usr/bin/hostmon-agent' ] && [ ! -e '$R/usr/bin/hostmon-collector' ] && [ -f '$R/etc/hostmon/agent.yml' ]"
check "dpkg --purge" in_root dpkg --purge hostmon-agent-dbgsym hostmon-collector-dbgsym hostmon-agent hostmon-collector
check "purged: no hostmon package known to dpkg" sh -c \
  "! chroot '$R' dpkg-query -W -f='\${db:Status-Abbrev} \${Package}\n' 'hostmon*' 2>/dev/null | grep -v '^un' | grep -q ."
check "purged: user and group hostmon gone" sh -c \
  "! chroot '$R' getent passwd hostmon && ! chroot '$R' getent group hostmon && [ \$(grep -c . '$R/etc/passwd') -eq $before_passwd ]"
# What the whole run left: every file the overlay's upper layer holds, except dpkg's and the
# account tools' own bookkeeping (logs, status, backups) and this test's scratch files.
left_files=$(cd "$WORK/upper" && find . \( -type f -o -type l -o -type c \) | sed 's|^\.||' |
  grep -vE '^/(tmp|run)/|^/var/log/|^/var/lib/dpkg/|^/var/cache/(debconf|man)/|^/etc/(passwd|group|shadow|gshadow|subuid|subgid)-?$|^/etc/\.pwd\.lock$|^/etc/ld\.so\.cache$' |
  while read -r f; do
    # Copied up but equal to the original: not a leftover.
    if [[ -f $WORK/upper$f && ! -L $WORK/upper$f && -f $f ]] && cmp -s "$WORK/upper$f" "$f"; then continue; fi
    echo "$f"
  done || true)
# Directories the run made and left (empty ones too).
left_dirs=$(cd "$WORK/upper" && find . -mindepth 1 -type d | sed 's|^\.||' |
  grep -vE '^/(tmp|run)(/|$)|^/var/log(/|$)|^/var/lib/dpkg(/|$)|^/var/cache/(debconf|man)(/|$)|^/(proc|sys|dev)$' |
  while read -r d; do [[ -d $d ]] || echo "$d"; done || true)
leftovers=$(printf '%s\n%s\n' "$left_files" "$left_dirs" | sed '/^$/d')
check "purged: nothing left (files differing from before, bookkeeping aside)" sh -c "[ -z '$leftovers' ] || { echo '$leftovers'; exit 1; }"
check "purged: /etc/hostmon, /var/lib/hostmon* and the enablement link gone" sh -c \
  "[ ! -e '$R/etc/hostmon' ] && [ ! -e '$R/var/lib/hostmon' ] && [ ! -e '$R/var/lib/hostmon-collector' ] &&
   [ ! -L '$R/etc/systemd/system/multi-user.target.wants/hostmon-agent.service' ]"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 && $pass -gt 0 ]]
