"""`kiosk update`'s refusals and its install-beside-and-switch, on real .debs and keys."""

from __future__ import annotations

import os
import subprocess

import pytest

from kiosk.appliance.updates import apply as upd
from kiosk.appliance.updates.package import this_arch
from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.signing import trusted_keys
from kiosk.appliance.updates.trial import Store
from tests.updates.conftest import make_deb, make_signer, needs_dpkg_deb

pytestmark = needs_dpkg_deb


def check(deb, keys_dir, current="1.0.0", **kw):
    return upd.check(
        deb, upd.signature_path(deb), trusted_keys(keys_dir), current, this_arch(), **kw
    )


def refused(deb, keys_dir, **kw) -> upd.Refused:
    with pytest.raises(upd.Refused) as info:
        check(deb, keys_dir, **kw)
    return info.value


def test_a_signed_newer_release_passes(tmp_path, signer, keys_dir):
    deb = make_deb(tmp_path, "1.1.0")
    signer.sign(deb)
    got = check(deb, keys_dir)
    assert got.info.version == "1.1.0" and got.key_id


def test_unsigned_is_refused_with_10(tmp_path, keys_dir):
    r = refused(make_deb(tmp_path, "1.1.0"), keys_dir)
    assert r.code == upd.EX_UNSIGNED == 10 and "minisig" in r.message and r.fix


def test_signed_by_an_unknown_key_is_refused_with_11(tmp_path, keys_dir):
    deb = make_deb(tmp_path, "1.1.0")
    make_signer().sign(deb)
    assert refused(deb, keys_dir).code == upd.EX_BAD_SIGNATURE


def test_a_changed_release_is_refused_with_11(tmp_path, signer, keys_dir):
    deb = make_deb(tmp_path, "1.1.0")
    signer.sign(deb)
    with deb.open("ab") as f:
        f.write(b"\0")
    r = refused(deb, keys_dir)
    assert r.code == 11 and "does not match" in r.message


def test_downgrade_is_refused_with_12_unless_allowed(tmp_path, signer, keys_dir):
    deb = make_deb(tmp_path, "0.9.0")
    signer.sign(deb)
    r = refused(deb, keys_dir)
    assert r.code == upd.EX_DOWNGRADE and "--allow-downgrade" in r.fix
    assert check(deb, keys_dir, allow_downgrade=True).info.version == "0.9.0"


def test_wrong_architecture_is_refused_with_13(tmp_path, signer, keys_dir):
    other = "arm64" if this_arch() != "arm64" else "amd64"
    deb = make_deb(tmp_path, "1.1.0", arch=other)
    signer.sign(deb)
    r = refused(deb, keys_dir)
    assert r.code == upd.EX_WRONG_ARCH and other in r.message and this_arch() in r.fix


def test_the_running_version_is_refused_with_14(tmp_path, signer, keys_dir):
    deb = make_deb(tmp_path, "1.0.0")
    signer.sign(deb)
    assert refused(deb, keys_dir).code == upd.EX_SAME_VERSION


def test_another_package_is_refused_with_15(tmp_path, signer, keys_dir):
    deb = make_deb(tmp_path, "1.1.0", package="something-else")
    signer.sign(deb)
    assert refused(deb, keys_dir).code == upd.EX_NOT_A_RELEASE
    junk = tmp_path / "junk.deb"
    junk.write_bytes(b"not an ar archive")
    signer.sign(junk)
    assert refused(junk, keys_dir).code == upd.EX_NOT_A_RELEASE


def test_no_trusted_keys_is_refused_with_16(tmp_path, signer):
    deb = make_deb(tmp_path, "1.1.0")
    signer.sign(deb)
    empty = tmp_path / "none"
    empty.mkdir()
    assert refused(deb, empty).code == upd.EX_NO_KEYS


def test_apply_installs_beside_and_switches(tmp_path, signer, keys_dir, layout_v1):
    deb = make_deb(tmp_path, "1.1.0")
    signer.sign(deb)
    store = Store(tmp_path / "state")
    restarts = []
    result = upd.apply(deb, check(deb, keys_dir), layout_v1, store, health_timeout_s=30, keep=3,
                       restart=lambda: restarts.append(1))  # fmt: skip
    assert result["result"] == "applied" and result["from"] == "1.0.0"
    assert layout_v1.current() == "1.1.0" and layout_v1.previous() == "1.0.0"
    assert layout_v1.installed() == ["1.0.0", "1.1.0"]
    assert os.readlink(layout_v1.root / "current") == "releases/1.1.0"  # relative: movable
    assert (layout_v1.root / "current" / "VERSION").read_text() == "1.1.0\n"
    # the package's /etc and everything outside its release folder are not unpacked
    assert not (layout_v1.root / "releases" / "1.1.0" / "etc").exists()
    trial = store.trial()
    assert trial is not None and trial.version == "1.1.0" and trial.previous == "1.0.0"
    assert trial.health_timeout_s == 30 and trial.ready_at is None
    assert restarts == [1]
    assert store.last()["result"] == "applied"


def test_a_second_update_waits_for_the_trial(tmp_path, signer, keys_dir, layout_v1):
    store = Store(tmp_path / "state")
    for v in ("1.1.0", "1.2.0"):
        signer.sign(make_deb(tmp_path, v))
    d11, d12 = (tmp_path / f"stamp-kiosk_{v}_{this_arch()}.deb" for v in ("1.1.0", "1.2.0"))
    upd.apply(d11, check(d11, keys_dir), layout_v1, store, health_timeout_s=30, keep=3,
              restart=lambda: None)  # fmt: skip
    with pytest.raises(upd.Refused) as info:
        upd.apply(d12, check(d12, keys_dir, current="1.1.0"), layout_v1, store,
                  health_timeout_s=30, keep=3, restart=lambda: None)  # fmt: skip
    assert info.value.code == upd.EX_ON_TRIAL
    # once it has passed the health gate (READY), the next update may go ahead
    from kiosk.appliance.updates.trial import mark_ready

    mark_ready(tmp_path / "state", "1.1.0", 1e10)
    upd.apply(d12, check(d12, keys_dir, current="1.1.0"), layout_v1, store,
              health_timeout_s=30, keep=3, restart=lambda: None)  # fmt: skip
    assert layout_v1.current() == "1.2.0" and layout_v1.previous() == "1.1.0"


def test_old_releases_are_pruned_but_current_and_previous_stay(tmp_path, layout_v1):
    for v in ("1.1.0", "1.2.0", "1.3.0"):
        layout_v1.install(make_deb(tmp_path, v), v)
    layout_v1.switch("1.1.0", "1.0.0")
    removed = layout_v1.prune(keep=2)
    assert set(layout_v1.installed()) == {"1.0.0", "1.1.0"}
    assert set(removed) == {"1.2.0", "1.3.0"}


def test_a_cut_off_unpack_leaves_no_release_and_current_untouched(tmp_path, layout_v1,
                                                                  monkeypatch):  # fmt: skip
    """A power cut while unpacking: no releases/<v>/ appears, the staging folder goes."""
    import kiosk.appliance.updates.releases as rel

    deb = make_deb(tmp_path, "1.1.0")

    def cut(deb_, version, staging):
        (staging / "opt").mkdir(parents=True)
        (staging / "opt" / "half-written").write_bytes(b"x")
        raise OSError("power cut")

    monkeypatch.setattr(rel, "extract_release", cut)
    with pytest.raises(OSError):
        layout_v1.install(deb, "1.1.0")
    assert layout_v1.installed() == ["1.0.0"] and layout_v1.current() == "1.0.0"
    # a staging folder that a real power cut left behind is cleaned up on the next start,
    # one that a running `kiosk update` is filling is not
    (layout_v1.releases / ".staging-999999999-abc").mkdir()
    busy = subprocess.Popen(["sleep", "30"])
    try:
        (layout_v1.releases / f".staging-{busy.pid}-def").mkdir()
        assert layout_v1.clean_staging() == [".staging-999999999-abc"]
    finally:
        busy.kill()
        busy.wait()
    assert layout_v1.clean_staging() == [f".staging-{busy.pid}-def"]


def test_a_failed_unpack_is_refused_with_19(tmp_path, signer, keys_dir, layout_v1, monkeypatch):
    import kiosk.appliance.updates.releases as rel

    def disk_full(deb_, version, staging):
        raise OSError(28, "No space left on device")

    deb = make_deb(tmp_path, "1.1.0")
    signer.sign(deb)
    monkeypatch.setattr(rel, "extract_release", disk_full)
    with pytest.raises(upd.Refused) as info:
        upd.apply(deb, check(deb, keys_dir), layout_v1, Store(tmp_path / "s"),
                  health_timeout_s=30, keep=3, restart=lambda: None)  # fmt: skip
    assert info.value.code == upd.EX_UNPACK and "df -h" in info.value.fix
    assert layout_v1.current() == "1.0.0"


def test_switch_never_leaves_current_missing(tmp_path, layout_v1, monkeypatch):
    """Each link is replaced by one rename: at every step `current` names a whole release."""
    layout_v1.install(make_deb(tmp_path, "1.1.0"), "1.1.0")
    seen = []
    real_replace = os.replace

    def watch(src, dst):
        seen.append(Layout(layout_v1.root).current())
        real_replace(src, dst)
        seen.append(Layout(layout_v1.root).current())

    monkeypatch.setattr(os, "replace", watch)
    layout_v1.switch("1.1.0", "1.0.0")
    assert seen == ["1.0.0", "1.0.0", "1.0.0", "1.1.0"]
    with pytest.raises(FileNotFoundError):
        layout_v1.switch("9.9.9", "1.0.0")
    assert Layout(layout_v1.root).current() == "1.1.0"
