#!/bin/busybox sh
# /init of the initramfs KernelVm builds: the guest's only process besides what the host asks for.
# It loads the modules the host listed, gives eth0 the address from the kernel command line, then
# serves commands from the serial console until the host powers the machine off.
#
# Console protocol (KernelVm.tryExec): the host writes one line "ID COMMAND"; this loop answers
#   @@begin ID
#   ...output of COMMAND, stderr included...
#   @@end ID STATUS
# The markers are printed only here, never echoed from input (echo is off, and an echoed line would
# start with ID, not @@), so the host can wait for them instead of sleeping.

/bin/busybox mkdir -p /bin /sbin /usr/bin /usr/sbin /proc /sys /dev /tmp /run /var/run
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "wirelab-init: start, uptime $(cut -d' ' -f1 /proc/uptime) s"

fail() {
    echo "wirelab-init: FAILED: $*"
    # panic=-1 and qemu's -no-reboot turn this into qemu exiting, which the host notices at once.
    poweroff -f
}

# Dependencies come first in this list (the host ordered it from modules.dep).
while read -r module; do
    insmod "/modules/$module" || fail "insmod $module"
done < /modules/order

ip=
for param in $(cat /proc/cmdline); do
    case "$param" in
        wirelab.ip=*) ip="${param#wirelab.ip=}" ;;
    esac
done
[ -n "$ip" ] || fail "no wirelab.ip= on the kernel command line"
ip link set lo up || fail "lo up"
ip address add "$ip" dev eth0 || fail "address $ip on eth0"
ip link set eth0 up || fail "eth0 up"

# From here on the console carries only the protocol: no kernel messages between the markers, no
# echo of the host's input, no carriage returns to strip beyond the tty's own.
echo 1 > /proc/sys/kernel/printk
stty -echo
echo "wirelab-init: ready, uptime $(cut -d' ' -f1 /proc/uptime) s"

while IFS= read -r line; do
    id="${line%% *}"
    command="${line#* }"
    echo "@@begin $id"
    # A subshell, so `exit` or a failed `set -e` in COMMAND cannot end init (which would panic);
    # stdin from /dev/null, so COMMAND cannot swallow the next protocol lines.
    (eval "$command") < /dev/null 2>&1
    echo "@@end $id $?"
done
fail "console closed"
