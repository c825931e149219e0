"""Staff login throttling through real HTTP, with the server's clock moved, never slept:
a sliding window per kiosk that a valid PIN cannot reset (the insider's interleaving
attack itself), a slow-down after a few failures, a per-staff-member lock that a spread
attack over many kiosks runs into, and parallel guesses that cannot slip under the limit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from kiosk.api import LoyaltyClient, errors
from kiosk.api.models import parse_time
from tests.api.conftest import Shop, make_shop

ADMIN_PIN = "73194826"
INSIDER_PIN = "11112222"


def login(client: LoyaltyClient, pin: str):
    """The answer to one login: a session, or the typed error (nothing raised)."""
    try:
        return client.staff_login(pin=pin)
    except (errors.Unauthorized, errors.StaffLockedOut) as exc:
        return exc


def wrong_pins():
    """Every 8-digit PIN from 00000000 up, skipping the two real ones."""
    n = 0
    while True:
        pin = f"{n:08d}"
        n += 1
        if pin not in (ADMIN_PIN, INSIDER_PIN):
            yield pin


def server_now(shop: Shop) -> float:
    """The server's clock in seconds: real time passes too while the test runs."""
    return parse_time(shop.server.admin("GET", "/admin/clock")["now"]).timestamp()


def test_five_failures_lock_the_kiosk_even_for_the_right_pin_then_it_recovers(refserver):
    shop = make_shop(refserver)
    pin = shop.staff(["search_cards"], pin="4711")
    for left in (4, 3, 2, 1, 0):
        answer = login(shop.client, "0000")
        if isinstance(answer, errors.StaffLockedOut):  # the slow-down: wait, then try
            shop.advance(answer.retry_after)
            answer = login(shop.client, "0000")
        assert isinstance(answer, errors.Unauthorized), answer
        assert answer.problem["attempts_left"] == left
    locked = login(shop.client, pin)  # even the right PIN while locked
    assert isinstance(locked, errors.StaffLockedOut)
    assert locked.status == 429 and 250 <= locked.retry_after <= 300
    # another kiosk of the shop is not locked by this one's failures
    assert shop.new_client().staff_login(pin=pin).staff_name == "Anna"
    shop.advance(locked.retry_after + 1)
    assert shop.client.staff_login(pin=pin).staff_name == "Anna"


def test_the_slow_down_holds_whatever_else_happens(refserver):
    """After two failures the next attempt waits, the right PIN too; a success in
    between removes neither the wait nor the failures it came from."""
    shop = make_shop(refserver)
    pin = shop.staff(["search_cards"], pin=INSIDER_PIN)
    assert isinstance(login(shop.client, "0000"), errors.Unauthorized)
    assert isinstance(login(shop.client, "0001"), errors.Unauthorized)
    slowed = login(shop.client, pin)
    assert isinstance(slowed, errors.StaffLockedOut) and 1 <= slowed.retry_after <= 2
    shop.advance(2)
    assert shop.client.staff_login(pin=pin)  # the right PIN, once the wait is over
    assert isinstance(login(shop.client, "0002"), errors.Unauthorized)
    again = login(shop.client, pin)
    assert isinstance(again, errors.StaffLockedOut) and 3 <= again.retry_after <= 4


def test_the_interleaving_attack_finds_no_admin_pin(refserver):
    """The insider's attack from the report: guess, log in with one's own PIN to reset
    the counter, guess again. The admin PIN is guess number 48, which took seconds
    before. Now, playing the attacker's best (waiting exactly as long as told), ten
    minutes of server time give 10 guesses, and the admin PIN is never accepted."""
    shop = make_shop(refserver)
    shop.staff(["*"], pin=ADMIN_PIN, name="Boss")
    shop.staff(["search_cards"], pin=INSIDER_PIN, name="Insider")
    pins = wrong_pins()
    guesses = [next(pins) for _ in range(47)] + [ADMIN_PIN]
    tried, own_logins, start = 0, 0, server_now(shop)
    while tried < len(guesses) and (elapsed := server_now(shop) - start) < 600:
        answer = login(shop.client, guesses[tried])
        if isinstance(answer, errors.StaffLockedOut):
            shop.advance(answer.retry_after)
            continue
        assert isinstance(answer, errors.Unauthorized), f"guess {tried + 1} opened a session"
        tried += 1
        own = login(shop.client, INSIDER_PIN)  # the "reset" that no longer resets
        own_logins += not isinstance(own, errors.ApiError)
    assert tried <= 10, f"{tried} guesses in {elapsed:.0f} s"
    assert elapsed >= 600
    assert own_logins >= 1  # the insider's own logins went through and changed nothing


def test_a_spread_attack_locks_the_targeted_pin(refserver):
    """Twenty failures over five kiosks of the shop (none locked on its own) lock each
    staff member's PIN for the member window: the admin's right PIN is then answered
    exactly like a wrong one. A badge, a member added later, and another shop still work."""
    shop = make_shop(refserver)
    shop.staff(["*"], pin=ADMIN_PIN, name="Boss", badge="BOSS-BADGE-0001")
    kiosks = [shop.new_client(retries=0) for _ in range(5)]
    pins = wrong_pins()
    for kiosk in kiosks:
        for _ in range(4):
            answer = login(kiosk, next(pins))
            if isinstance(answer, errors.StaffLockedOut):
                shop.advance(answer.retry_after)
                answer = login(kiosk, next(pins))
            assert isinstance(answer, errors.Unauthorized)
    fresh, other = shop.new_client(retries=0), shop.new_client(retries=0)
    right, wrong = login(fresh, ADMIN_PIN), login(other, next(pins))
    assert isinstance(right, errors.Unauthorized) and isinstance(wrong, errors.Unauthorized)
    assert right.problem == wrong.problem  # nothing tells the guesser it was right
    assert shop.new_client().staff_login(badge="BOSS-BADGE-0001").staff_name == "Boss"
    newcomer = shop.staff(["search_cards"], name="New")
    assert shop.new_client().staff_login(pin=newcomer).staff_name == "New"
    elsewhere = make_shop(refserver)
    elsewhere.staff(["*"], pin=ADMIN_PIN, name="Other boss")
    assert elsewhere.client.staff_login(pin=ADMIN_PIN).staff_name == "Other boss"
    shop.advance(3601)
    assert shop.new_client().staff_login(pin=ADMIN_PIN).staff_name == "Boss"


def test_parallel_guesses_cannot_slip_under_the_limit(shop: Shop):
    """Twenty guesses at once from one kiosk: each is reserved before its hash is
    computed, so at most five are ever checked; the rest are told to wait."""
    shop.staff(["*"], pin=ADMIN_PIN)
    url = shop.server.url + "/api/v1/staff/sessions"
    headers = {"Authorization": f"Bearer {shop.device_token}"}

    def guess(n: int) -> int:
        body = {"pin": f"{n:08d}"}
        return requests.post(url, json=body, headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(guess, range(20)))
    assert statuses.count(401) <= 5, statuses
    assert statuses.count(429) >= 15, statuses
