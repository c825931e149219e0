"""Korean typed into the voucher form through the flow's touch actions (no window), and a
Korean voucher issued against the real reference server."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffIssued, StaffIssueForm
from kiosk.flows.voucher_form import TEXT_FIELDS
from kiosk.input_methods.hangul import JAMO_KEYS, to_keys
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.staff.conftest import Env


def open_form(env: Env) -> None:
    env.login()
    env.send(si.OpenIssue())
    assert isinstance(env.flow.state, StaffIssueForm)


def keys(env: Env, text: str) -> None:
    """What the keyboard sends: one touch per jamo key (spaces are keys too)."""
    for k in to_keys(text):
        env.send(sf.Key(char=k))


def form(env: Env):
    return env.flow.state.form


def test_annyeonghaseyo_typed_key_by_key_into_the_title(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    shown = []
    for k in to_keys("안녕하세요"):
        env.send(sf.Key(char=k))
        shown.append(form(env).title)
    # the field shows the syllable being composed, live, at every key
    assert shown == [
        "ㅇ", "아", "안", "안ㄴ", "안녀", "안녕", "안녕ㅎ", "안녕하",
        "안녕핫", "안녕하세", "안녕하셍", "안녕하세요",
    ]  # fmt: skip
    assert form(env).composing == 1  # the last syllable is still open (underlined)
    env.send(sf.Focus(field="description"))  # focus change commits it
    assert form(env).title == "안녕하세요" and form(env).composing == 0
    assert env.flow.state.error_for("title") is None


def test_birthday_coupon_with_spaces_and_generate(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    keys(env, "생일 축하 쿠폰")
    assert form(env).title == "생일 축하 쿠폰"
    env.send(sf.Focus(field="description"))
    keys(env, "케이크 한 조각")
    env.send(sf.Generate())
    assert isinstance(env.flow.state, StaffIssued)
    sent = env.api.issued[-1]
    assert sent["title"] == "생일 축하 쿠폰" and sent["description"] == "케이크 한 조각"


def test_backspace_decomposes_then_deletes_committed_text(memory_env):
    env = memory_env
    open_form(env)
    env.type("title", "Cafe ")
    keys(env, "닭")
    texts = []
    for _ in range(6):
        env.send(sf.Backspace())
        texts.append(form(env).title)
    # 닭 -> 달 -> 다 -> ㄷ -> "" one jamo at a time, then the committed Latin text
    assert texts == ["Cafe 달", "Cafe 다", "Cafe ㄷ", "Cafe ", "Cafe", "Caf"]


def test_a_syllable_committed_by_another_key_is_no_longer_recomposed(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    keys(env, "한")
    env.send(sf.Key(char="!"))  # a non-jamo key commits 한
    keys(env, "ㅏ")  # so this vowel stands alone instead of making 하나
    assert form(env).title == "한!ㅏ"
    env.send(sf.Backspace())
    env.send(sf.Backspace())
    assert form(env).title == "한"  # committed: backspace now deletes whole characters
    env.send(sf.Backspace())
    assert form(env).title == ""


def test_focus_change_commits_and_fields_compose_apart(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    keys(env, "한")
    env.send(sf.Focus(field="description"))
    keys(env, "ㅏ")
    env.send(sf.Focus(field="title"))
    keys(env, "ㅏ")  # a new composition after the committed 한: no 하나
    assert form(env).title == "한ㅏ" and form(env).description == "ㅏ"


def test_a_scan_commits_the_syllable(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="title"))
    keys(env, "한")
    env.flow.on_scan(ClassifiedScan(ScanKind.VOUCHER, "GIFT100"))
    assert form(env).code_value == "GIFT100" and form(env).composing == 0
    keys(env, "ㅏ")  # the title's 한 is final: no 하나
    assert form(env).title == "한ㅏ"


def test_codes_and_numbers_take_no_composition(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.SetCodeMode(mode="given"))
    keys(env, "가")
    assert form(env).code_value == "ㄱㅏ"  # kept as typed and shown as an error in words
    assert env.flow.state.error_for("code_value").key == "staff.error.code_characters"
    env.send(sf.SetValidity(kind="days"))
    keys(env, "가")
    assert form(env).validity_n == ""


def test_a_full_field_refuses_the_next_jamo(memory_env):
    env = memory_env
    open_form(env)
    cap = TEXT_FIELDS["title"]
    env.type("title", "x" * (cap - 1))
    keys(env, "가나")
    # ㄴ fits as the final of 간; ㅏ would move it on (가나: one too many) and is refused
    assert form(env).title == "x" * (cap - 1) + "간"
    env.send(sf.Backspace())
    assert form(env).title == "x" * (cap - 1) + "가"


def test_search_field_composes_korean_names(memory_env):
    env = memory_env
    open_form(env)
    env.send(sf.Focus(field="search"))
    keys(env, "김민")
    assert form(env).search == "김민"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(sorted(JAMO_KEYS)), max_size=25))
def test_any_jamo_then_as_many_backspaces_restore_the_title(memory_env, jamo):
    env = memory_env
    if not env.flow.active:
        open_form(env)
    env.type("title", "Ab")
    for k in jamo:
        env.send(sf.Key(char=k))
    for _ in jamo:
        env.send(sf.Backspace())
    assert form(env).title == "Ab"
    env.send(sf.SetText(text=""))  # the next example starts from an empty title


def test_korean_title_round_trips_through_the_reference_server(server_env):
    env = server_env
    env.login(env.staff_pin)
    env.send(si.OpenIssue())
    env.send(sf.Focus(field="search"))
    env.flow.send(sf.SetText(text=env.card["email"]))
    env.send(sf.Search())
    [row] = env.flow.state.results
    env.send(sf.PickCustomer(card_id=row.id))
    env.send(sf.Focus(field="title"))
    keys(env, "생일 축하 쿠폰")
    env.send(sf.Focus(field="description"))
    keys(env, "아메리카노 한 잔 무료")
    env.send(sf.SetCodeMode(mode="none"))
    env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssued), state
    assert state.title == "생일 축하 쿠폰"
    card = env.server.admin("GET", f"/admin/cards/{env.card['id']}")
    [voucher] = card["vouchers"]
    assert voucher["title"] == "생일 축하 쿠폰"
    assert voucher["description"] == "아메리카노 한 잔 무료"
    assert env.api.voucher(voucher["id"]).title == "생일 축하 쿠폰"  # the kiosk's own client
