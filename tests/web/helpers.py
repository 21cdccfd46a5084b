"""Browser helpers: sign in, save a screenshot, run axe-core on the page."""

from __future__ import annotations

from typing import Any

from tests.web.conftest import ARTIFACTS, PASSWORD


def sign_in(page: Any, url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def shot(page: Any, name: str, *, full: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


def axe_violations(page: Any, source: str) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations (WCAG 2.0/2.1/2.2 A and AA rules) on the page.

    axe is loaded through the DevTools protocol (not a <script> tag), so the page's
    Content-Security-Policy stays on while it runs.
    """
    page.evaluate(source + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return [v for v in result if v["impact"] in {"serious", "critical"}]


def http_sign_in(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Sign in with a plain HTTP client (httpx); returns the response to the form."""
    return client.post(
        "/login",
        data={"csrf": csrf_of(client.get("/login").text), "email": email, "password": password},
    )


def csrf_of(html: str) -> str:
    import re

    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)
