#!/usr/bin/env bash
# test_fault_unwritable: an --out directory that cannot take files is refused before training
# starts: exit status 2, one line on stderr naming the directory, no banner, nothing written.
# access() cannot be trusted for this (root passes it everywhere but on read-only or immutable
# files), so each case makes writing really fail, with whichever means the machine allows:
#  - a read-only tmpfs (needs the right to mount), and a directory to be created inside it;
#  - an immutable directory (chattr +i; needs CAP_LINUX_IMMUTABLE and ext4/xfs/btrfs/tmpfs);
#  - a sysfs directory (/sys/kernel): root passes access() there, but files cannot be made;
#  - as a non-root user, a directory without write permission.
# At least one case must run.
# shellcheck source=tests/fault_lib.sh
source "$(dirname "$0")/fault_lib.sh" "$1"
ran=0

# refused NAME DIR: `ddpg train --out DIR` must refuse before training
refused() {
  local name="$1" dir="$2"
  ran=$((ran + 1))
  timeout -k 5 60 "$BIN" train --env toy --hidden 8 --steps 100 --out "$dir" \
    >"$TMP/$name.out" 2>"$TMP/$name.err"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "$name: exit status $rc, expected 2: $(cat "$TMP/$name.err")"
  [ "$(wc -l <"$TMP/$name.err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$TMP/$name.err")"
  grep -q "$dir" "$TMP/$name.err" || fail "$name: the message does not name $dir"
  grep -q "\[train\]" "$TMP/$name.err" && fail "$name: training started"
  [ ! -s "$TMP/$name.out" ] || fail "$name: printed on stdout"
}

# read-only tmpfs
ro="$TMP/ro"
mkdir -p "$ro"
if mount -t tmpfs -o size=1m,ro ddpg-fault-ro "$ro" 2>/dev/null; then
  CLEANUP+=("umount '$ro'")
  refused readonly_mount "$ro"
  refused readonly_mount_subdir "$ro/new"
  umount "$ro"
else
  echo "test_fault_unwritable: note: cannot mount a read-only tmpfs here"
fi

# immutable directory
imm="$TMP/immutable"
mkdir -p "$imm"
if chattr +i "$imm" 2>/dev/null; then
  CLEANUP+=("chattr -i '$imm'")
  refused immutable "$imm"
  [ -z "$(ls -A "$imm")" ] || fail "immutable: files appeared in the directory"
  chattr -i "$imm"
else
  echo "test_fault_unwritable: note: chattr +i is not allowed here"
fi

# sysfs: an existing directory that passes access(W_OK) for root but takes no new files
if [ -d /sys/kernel ] && ! touch /sys/kernel/ddpg-probe 2>/dev/null; then
  refused sysfs /sys/kernel
fi

# permissions, as a non-root user
if [ "$(id -u)" -ne 0 ]; then
  perm="$TMP/no-write"
  mkdir -p "$perm"
  chmod 555 "$perm"
  refused permissions "$perm"
  chmod 755 "$perm"
fi

[ "$ran" -gt 0 ] || fail "no way to make a directory unwritable on this machine"
echo "test_fault_unwritable: $ran cases"
finish test_fault_unwritable
