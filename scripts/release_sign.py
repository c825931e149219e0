"""Release keys and signatures for `kiosk update` (the release manager's side).

    python scripts/release_sign.py keygen --out keys/          # release.pub + release.key
    python scripts/release_sign.py sign dist/stamp-kiosk_0.3.0_arm64.deb --key keys/release.key

`sign` writes <deb>.minisig (minisign's format, prehashed ed25519; `minisign -Vm` reads it)
with the version and architecture in the signed comment. release.pub goes into each kiosk's
/etc/kiosk/release-keys/; release.key stays offline with the release manager (0600).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from kiosk.appliance.updates.package import read_info
from kiosk.appliance.updates.signing import generate, sign

HEADER = "stamp-kiosk release secret key "


def write_key(out: Path, comment: str) -> tuple[Path, Path]:
    pub_text, private, key_id = generate(comment)
    out.mkdir(parents=True, exist_ok=True)
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()
    key = out / "release.key"
    fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"{HEADER}{key_id.hex()}\n{pem}")
    pub = out / "release.pub"
    pub.write_text(pub_text)
    return pub, key


def load_key(path: Path) -> tuple[Ed25519PrivateKey, bytes]:
    first, _, pem = path.read_text().partition("\n")
    if not first.startswith(HEADER):
        raise SystemExit(f"{path}: not a key made by `release_sign.py keygen`")
    private = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise SystemExit(f"{path}: not an ed25519 key")
    return private, bytes.fromhex(first.removeprefix(HEADER).strip())


def sign_deb(deb: Path, key: Path) -> Path:
    private, key_id = load_key(key)
    info = read_info(deb)
    comment = f"stamp-kiosk {info.version} {info.architecture} file:{deb.name}"
    sig = deb.with_name(deb.name + ".minisig")
    sig.write_text(sign(deb, private, key_id, comment))
    return sig


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    kg = sub.add_parser("keygen", help="a new key pair")
    kg.add_argument("--out", type=Path, required=True)
    kg.add_argument("--comment", default="stamp-kiosk release key")
    sg = sub.add_parser("sign", help="write DEB.minisig")
    sg.add_argument("deb", type=Path)
    sg.add_argument("--key", type=Path, required=True)
    args = ap.parse_args()
    if args.cmd == "keygen":
        pub, key = write_key(args.out, args.comment)
        print(f"release_sign: {pub} (to /etc/kiosk/release-keys/ on each kiosk), {key} (secret)")
    else:
        print(f"release_sign: {sign_deb(args.deb, args.key)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
