#!/bin/bash -e
# pi-gen, inside the image: the kiosk package (its postinst creates the kiosk user and
# enables kiosk.service, which takes tty1 over from the login prompt) and ownership of
# the Kivy config written by 00-run.sh.

apt-get install -y --no-install-recommends /tmp/stamp-kiosk.deb
rm -f /tmp/stamp-kiosk.deb
chown -R kiosk:kiosk /var/lib/kiosk
systemctl enable kiosk.service
