"""Safe updates (issue 18): signed releases side by side, switched only when healthy.

- `signing`: minisign-format ed25519 signatures, trusted keys in /etc/kiosk/release-keys/.
- `debversion`: Debian version order (the downgrade check).
- `package`: what a release .deb says about itself and how its tree is unpacked.
- `releases`: /opt/stamp-kiosk/releases/<version>/ with `current` and `previous` symlinks,
  each switched with one rename.
- `trial`: the health gate: a switched release is on trial until READY=1; the unit's
  ExecStartPre (`python -m kiosk.appliance.updates.guard`) rolls it back when it is not.
- `apply`: the checks and steps of `kiosk update`, with their exit codes.

See docs/updates.md.
"""
