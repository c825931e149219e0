"""A shop on the shared reference server for the counter features' tests."""

from __future__ import annotations

import pytest

from tests.api.conftest import Shop, make_shop
from tests.support.refserver import RefServer


@pytest.fixture
def shop(shared_refserver: RefServer) -> Shop:
    return make_shop(shared_refserver)


@pytest.fixture
def fresh_shop(refserver: RefServer) -> Shop:
    """A server of its own (for tests that move its clock)."""
    return make_shop(refserver)
