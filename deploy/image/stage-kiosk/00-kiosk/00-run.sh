#!/bin/bash -e
# pi-gen, on the build host: the boot settings a technician used to type by hand
# (files/ is written by deploy/image/render.py; see deploy/image/README.md).

install -m 644 files/config.txt "${ROOTFS_DIR}/boot/firmware/config.txt"

# cmdline.txt is one line that pi-gen finishes later (root=ROOTDEV): add each of our
# parameters once, keep everything else as it is.
cmdline="${ROOTFS_DIR}/boot/firmware/cmdline.txt"
line="$(head -n 1 "${cmdline}")"
for param in $(cat files/cmdline-extra.txt); do
	case " ${line} " in
		*" ${param} "*) ;;
		*) line="${line} ${param}" ;;
	esac
done
printf '%s\n' "${line}" > "${cmdline}"

install -D -m 644 files/kivy-config.ini "${ROOTFS_DIR}/var/lib/kiosk/kivy/config.ini"

if [ -f files/stamp-kiosk.deb ]; then
	install -D -m 644 files/stamp-kiosk.deb "${ROOTFS_DIR}/tmp/stamp-kiosk.deb"
else
	echo "stage-kiosk: no files/stamp-kiosk.deb: render with --deb (make deb ARCH=arm64)" >&2
	exit 1
fi
