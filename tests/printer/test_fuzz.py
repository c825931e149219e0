"""Any text in any field: the bytes hold only the renderer's own commands, once each."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devices.printer.coupon import Coupon
from devices.printer.escpos_render import render_escpos
from devices.printer.layout import layout_coupon
from devices.printer.profile import PrinterProfile
from tests.printer.escpos_decoder import decode
from tests.printer.test_render import ALLOWED

PROFILES = [PrinterProfile.resolve("TM-T20II", 80), PrinterProfile.resolve("POS-5890", 58)]
EXAMPLES = 25 if os.environ.get("CI") == "true" else 60
# control bytes and escape-ish sequences mixed with text from many scripts
hostile = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("\x00\x04\x0a\x0d\x10\x14\x1b\x1c\x1d\x7f\x85\x9b\u202e\u200b")),
        st.sampled_from(list("@pVk(!aEtd-0123ABCõšЖש한中🎉 ")),
        st.characters(),
    ),
    max_size=120,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=hostile,
    desc=hostile,
    shop=hostile,
    code=hostile,
    footer=hostile,
    sym=st.sampled_from(["qr", "code128", "ean13", "pdf417", "aztec", "bogus"]),
    profile=st.sampled_from(PROFILES),
)
def test_hostile_coupon_yields_only_our_commands(title, desc, shop, code, footer, sym, profile):
    c = Coupon(
        title=title,
        description=desc,
        shop_name=shop,
        redeem_code=code,
        footer=footer,
        symbology=sym,
        voucher_id=code,
    )
    cmds = decode(render_escpos(layout_coupon(c, profile)))
    names = [x.name for x in cmds]
    assert set(names) <= ALLOWED, [x for x in cmds if x.name not in ALLOWED]
    assert names.count("INIT") == 1 and names[0] == "INIT"
    if profile.can_cut:
        assert names.count("CUT") == 1 and names[-1] == "CUT"
    for x in cmds:
        if x.name == "TEXT" or (x.name == "2D" and x.arg == b"1P"):
            assert all(b >= 0x20 for b in x.data[1 if x.name == "2D" else 0 :])
