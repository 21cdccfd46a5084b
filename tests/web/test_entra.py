"""Sign-in through Microsoft Entra ID (OIDC), against a small fake provider on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import Site, free_port, make_site, serving
from tests.web.fake_entra import CLIENT_ID, CLIENT_SECRET, TENANT, FakeEntra

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def entra(tmp_path: Path) -> Iterator[FakeEntra]:
    port = free_port()
    fake = FakeEntra(f"http://127.0.0.1:{port}")
    with serving(fake.app(), port):
        yield fake


@pytest.fixture
def entra_site(seeded: Path, tmp_path: Path, entra: FakeEntra) -> Iterator[Site]:
    secret = tmp_path / "client-secret"
    secret.write_text(CLIENT_SECRET + "\n", encoding="utf-8")
    port = free_port()
    yield from make_site(
        seeded,
        tmp_path / "ws",
        port=port,
        sign_in="both",
        public_url=f"http://127.0.0.1:{port}",
        tenant_id=TENANT,
        client_id=CLIENT_ID,
        client_secret_file=str(secret),
        authority=entra.base,
    )


def test_sign_in_with_entra_id(entra_site: Site, entra: FakeEntra, page: Any) -> None:
    page.goto(f"{entra_site.url}/visits")
    page.get_by_role("link", name="Sign in with your council Microsoft account").click()
    page.wait_for_url(f"{entra_site.url}/visits")
    assert "bs@example.gov.uk" in page.locator("header").inner_text()
    assert entra.token_requests == 1


def test_entra_account_without_a_user_row_is_refused(
    entra_site: Site, entra: FakeEntra, page: Any
) -> None:
    entra.email = "stranger@example.gov.uk"
    page.goto(f"{entra_site.url}/login")
    page.get_by_role("link", name="Sign in with your council Microsoft account").click()
    page.wait_for_url(f"{entra_site.url}/login")
    assert "no access" in page.get_by_role("alert").inner_text()
    page.goto(f"{entra_site.url}/exceptions")
    assert "/login" in page.url


def test_entra_token_for_another_sign_in_is_refused(
    entra_site: Site, entra: FakeEntra, page: Any
) -> None:
    entra.wrong_nonce = True
    page.goto(f"{entra_site.url}/login")
    page.get_by_role("link", name="Sign in with your council Microsoft account").click()
    page.wait_for_url(f"{entra_site.url}/login")
    assert "did not work" in page.get_by_role("alert").inner_text()


def test_callback_with_a_forged_state_signs_nobody_in(entra_site: Site) -> None:
    with entra_site.client() as client:
        client.get("/login")
        back = client.get("/auth/callback", params={"code": "x", "state": "forged"})
        assert back.status_code == 303 and back.headers["location"] == "/login"
        assert client.get("/exceptions").status_code == 303
