"""Chinese typed into the voucher form with pinyin through the flow's touch actions (no
window), and a Chinese voucher issued against the real reference server."""

from __future__ import annotations

import logging
import threading

from kiosk.flows.field_composer import FieldComposer
from kiosk.flows.runtime import Wake
from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffIssued, StaffIssueForm
from kiosk.flows.voucher_form import TEXT_FIELDS
from kiosk.input_methods.pinyin_lexicon import PinyinLexicon, default_lexicon
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.printer.escpos_decoder import decode, qr_payloads
from tests.staff.conftest import Env


def open_form(env: Env) -> None:
    env.login()
    env.send(si.OpenIssue())
    assert isinstance(env.flow.state, StaffIssueForm)


def pinyin(env: Env, letters: str) -> None:
    """What the keyboard's pinyin layer sends: one touch per key."""
    for ch in letters:
        env.send(sf.Key(char=ch, ime="pinyin"))


def form(env: Env):
    return env.flow.state.form


def bar(env: Env):
    return env.flow.state.candidates


def pick(env: Env, word: str) -> None:
    """Touch `word` on the candidate bar, turning pages until it shows (as staff would)."""
    for _ in range(10):
        if word in bar(env).words:
            env.send(sf.PickCandidate(index=bar(env).words.index(word)))
            return
        assert bar(env).more, f"{word} is not offered: {bar(env)}"
        env.send(sf.CandidatePage(delta=1))
    raise AssertionError(f"{word} not found in 10 pages")


def test_free_coffee_typed_as_pinyin_and_picked_in_one_touch(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    pinyin(env, "mianfeikafei")
    assert form(env).title == "mianfeikafei"
    assert form(env).composing == len("mianfeikafei")  # all of it underlined
    assert bar(env).preedit == "mian'fei'ka'fei"
    assert bar(env).words[0] == "免费咖啡"
    env.send(sf.PickCandidate(index=0))
    assert form(env).title == "免费咖啡" and form(env).composing == 0
    assert bar(env) is None
    assert env.flow.state.error_for("title") is None


def test_a_phrase_picked_word_by_word(memory_env):
    env = memory_env
    open_form(env)
    env.type("title", "Cafe ")
    pinyin(env, "shengriliwu")
    pick(env, "生日")
    assert form(env).title == "Cafe 生日liwu"
    assert form(env).composing == len("生日liwu") and bar(env).preedit == "li'wu"
    pick(env, "礼物")
    assert form(env).title == "Cafe 生日礼物" and bar(env) is None


def test_space_picks_the_first_candidate(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    pinyin(env, "youhuiquan")
    env.send(sf.Key(char=" ", ime="pinyin"))
    assert form(env).title == "优惠券" and bar(env) is None
    env.send(sf.Key(char=" ", ime="pinyin"))  # nothing composes: a plain space
    pinyin(env, "nv")
    env.send(sf.Key(char=" ", ime="pinyin"))
    assert form(env).title == "优惠券 女"


def test_backspace_drops_letters_then_characters_then_committed_text(memory_env):
    env = memory_env
    open_form(env)
    env.type("title", "A")
    pinyin(env, "kafeiy")
    seen = []
    for _ in range(3):
        env.send(sf.Backspace())
        seen.append(form(env).title)
    assert seen == ["Akafei", "Akafe", "Akaf"]
    assert bar(env).words[0] == "咖啡"  # "kaf" still completes to 咖啡
    env.send(sf.PickCandidate(index=0))
    env.send(sf.Backspace())
    assert form(env).title == "A咖"  # committed: plain backspace


def test_focus_change_keeps_unpicked_letters_as_typed(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    pinyin(env, "wifi")
    env.send(sf.Focus(field="description"))
    assert form(env).title == "wifi" and form(env).composing == 0 and bar(env) is None
    pinyin(env, "a")
    assert form(env).title == "wifi"  # the title's letters no longer compose
    assert form(env).description == "a" and bar(env).preedit == "a"


def test_a_scan_or_a_toggle_ends_the_composition(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    pinyin(env, "ka")
    env.flow.on_scan(ClassifiedScan(ScanKind.VOUCHER, "GIFT100"))
    assert form(env).code_value == "GIFT100" and bar(env) is None
    env.send(sf.Focus(field="title"))
    pinyin(env, "fei")
    assert form(env).title == "kafei" and bar(env).preedit == "fei"  # a new composition
    env.send(sf.SetValidity(kind="unlimited"))
    assert bar(env) is None and form(env).title == "kafei"


def test_pages_of_candidates(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    pinyin(env, "shi")
    first = bar(env).words
    assert bar(env).more and bar(env).page == 0
    env.send(sf.CandidatePage(delta=1))
    assert bar(env).page == 1 and not set(first) & set(bar(env).words)
    env.send(sf.CandidatePage(delta=-1))
    assert bar(env).words == first
    assert form(env).title == "shi"  # paging changes nothing in the field


def test_capitals_digits_and_codes_are_typed_as_they_are(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    pinyin(env, "ka")
    env.send(sf.Key(char="B", ime="pinyin"))  # Shift on the pinyin layer types Latin
    env.send(sf.Key(char="2", ime="pinyin"))
    assert form(env).title == "kaB2" and bar(env) is None
    env.send(sf.SetCodeMode(mode="given"))
    pinyin(env, "gift")
    assert form(env).code_value == "GIFT"  # a code field never composes


def test_a_full_field_refuses_the_next_letter(memory_env):
    env = memory_env
    open_form(env)
    cap = TEXT_FIELDS["title"]
    env.type("title", "x" * (cap - 3))
    pinyin(env, "kafei")
    assert form(env).title == "x" * (cap - 3) + "kaf"
    env.send(sf.PickCandidate(index=0))  # 咖啡 is shorter than the letters: it fits
    assert form(env).title == "x" * (cap - 3) + "咖啡"


def test_hangul_then_pinyin_in_one_field(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    for jamo in "ㅎㅏㄴ":
        env.send(sf.Key(char=jamo))
    pinyin(env, "nihao")
    assert form(env).title == "한nihao" and bar(env).words[0] == "你好"
    env.send(sf.PickCandidate(index=0))
    assert form(env).title == "한你好"


def test_stale_or_forged_candidate_touches_change_nothing(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    env.send(sf.PickCandidate(index=0))  # nothing composes
    env.send(sf.CandidatePage(delta="x"))
    pinyin(env, "ka")
    env.send(sf.PickCandidate(index="nonsense"))
    env.send(sf.PickCandidate(index=99))
    assert form(env).title == "ka" and bar(env).preedit == "ka"


def compose(env: Env, field: str, letters: str, *words: str) -> None:
    """Type `letters` into `field` on the pinyin layer and pick `words` in turn."""
    env.send(sf.Focus(field=field))
    pinyin(env, letters)
    for word in words:
        pick(env, word)


def test_search_by_a_chinese_name(memory_env):
    env = memory_env
    open_form(env)
    compose(env, "search", "wangfang", "王", "芳")
    assert form(env).search == "王芳"


def test_chinese_voucher_round_trips_through_the_reference_server(server_env):
    env = server_env
    env.login(env.staff_pin)
    env.send(si.OpenIssue())
    env.send(sf.Focus(field="title"))
    pinyin(env, "shengrilipin")
    pick(env, "生日")
    pick(env, "礼品")
    env.send(sf.Key(char=" ", ime="pinyin"))
    pinyin(env, "mianfeikafei")
    env.send(sf.Key(char=" ", ime="pinyin"))
    env.send(sf.Focus(field="description"))
    pinyin(env, "xiexiehuigu")
    env.send(sf.PickCandidate(index=0))
    env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssued), state
    assert state.title == "生日礼品 免费咖啡" and state.print_state == "printed", state
    voucher = env.api.voucher_by_code(state.redeem_code)  # the kiosk's own client reads it
    assert voucher.title == "生日礼品 免费咖啡" and voucher.description == "谢谢惠顾"
    [job] = env.tcp.jobs()  # a free voucher prints as a coupon
    assert qr_payloads(decode(job)) == [state.redeem_code.encode()]


def test_a_broken_dictionary_types_latin_and_says_so_once(tmp_path, caplog):
    bad = tmp_path / "lex.tsv.gz"
    bad.write_bytes(b"\x1f\x8b broken")
    composer = FieldComposer(lambda: PinyinLexicon.from_file(bad))
    with caplog.at_level(logging.ERROR):
        for ch in "kafei":
            assert composer.key("title", ch, "pinyin", "", 60) is None  # plain typing
    assert composer.pinyin_broken and not composer.active
    errors = [r for r in caplog.records if "pinyin input is off" in r.getMessage()]
    assert len(errors) == 1 and "lex.tsv.gz" in errors[0].getMessage()


def test_the_dictionary_is_preloaded_in_the_background():
    loaded = threading.Event()

    def loader():
        loaded.set()
        return default_lexicon()

    FieldComposer(loader).preload()
    assert loaded.wait(10)


def test_a_chinese_customer_found_by_a_name_typed_in_pinyin(server_env):
    env = server_env
    program = env.server.program(goal=9, name="咖啡", shop_id=env.shop_id)  # the staff's shop
    card = env.server.card(program, "王芳", email="wang.fang@example.com")
    env.login(env.staff_pin)
    env.send(si.OpenIssue())
    env.send(sf.Focus(field="search"))
    pinyin(env, "wangfang")
    pick(env, "王")
    pick(env, "芳")
    env.send(sf.Search())
    rows = env.flow.state.results
    assert card["id"] in [r.id for r in rows]
    env.send(sf.PickCustomer(card_id=card["id"]))
    assert form(env).customer.display_name == "王芳"


def test_the_apps_activity_touch_between_keys_keeps_composing(memory_env):
    """The real app sends "wake" on every touch down (activity); it once ended every
    Hangul syllable and pinyin word after one key. Found by the demo walk-through."""
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    for ch in "kafei":
        env.send(Wake())
        env.send(sf.Key(char=ch, ime="pinyin"))
    assert bar(env).preedit == "ka'fei" and bar(env).words[0] == "咖啡"
    for jamo in "ㅎㅏㄴ":
        env.send(Wake())
        env.send(sf.Key(char=jamo))
    assert form(env).title.endswith("한")


def test_titles_teach_the_keyboard_but_customer_searches_do_not(memory_env):
    env = memory_env
    open_form(env)
    compose(env, "title", "mfkf", "免费", "咖啡")
    compose(env, "search", "wangfang", "王", "芳")
    saved = (env.state_dir / "pinyin_words.json").read_text(encoding="utf-8")
    assert "免费咖啡" in saved and "王" not in saved and "wangfang" not in saved
    env.send(sf.Focus(field="description"))
    pinyin(env, "mfkf")
    assert bar(env).words[0] == "免费咖啡"  # learned on this kiosk
