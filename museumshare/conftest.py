"""Fixtures every test shares: a sample of the real register and the cast.

alice edits at the National Portrait Gallery, bob at the Laing Art Gallery, charlie
belongs to neither; analyst and admin hold platform roles. The register is a sample of
real rows from the Mapping Museums file: every national site, and a few others.
"""

import csv
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from museumshare.accounts import two_factor
from museumshare.accounts.models import User
from museumshare.organisations.demo import ensure_cast
from museumshare.organisations.importer import MAPPING_MUSEUMS_FILE, import_organisations, national_sites
from museumshare.organisations.models import Organisation
from museumshare.returns.catalogue import ensure_catalogue

# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery staple"
SAMPLE_REFS = {
    "mm.domus.NE026",  # Laing Art Gallery, Newcastle upon Tyne
    "mm.domus.SC256",  # Laing Museum, Newburgh, Fife
    "mm.New.88",  # Royal Guernsey Light Infantry Regimental Museum: coordinates 99.999999, 0.0
    "mm.wiki.435",  # Dylan Thomas Boathouse, Carmarthenshire
    "mm.mald.160",  # Winding House, Caerphilly
}


def pytest_configure(config: pytest.Config) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    Client.force_login = force_login_with_code  # type: ignore[method-assign,assignment]


_force_login = Client.force_login


def force_login_with_code(self: Client, user: Any, backend: str | None = None, verified: bool = True) -> None:
    """The test client's force_login (every client, APIClient too), which also gives the person's
    two-factor code when they have an authenticator app, as signing in would. The analyst and the
    admin of the cast have one (ensure_cast). A test of what happens before the code is given
    passes `verified=False`."""
    _force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if verified and device is not None:
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def write_sample(path: Path, refs: set[str]) -> Path:
    """Rows of the real Mapping Museums file whose museum_id is in `refs`, header and all."""
    with (
        MAPPING_MUSEUMS_FILE.open(encoding="utf-8", newline="") as source,
        path.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames or [], lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(row for row in reader if row["museum_id"] in refs)
    return path


@pytest.fixture(autouse=True)
def indicator_catalogue(request: pytest.FixtureRequest) -> None:
    """The indicator catalogue a data migration loads, back in tests that follow one that flushed
    the database (every live-server test does)."""
    names = request.fixturenames
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
    else:
        return
    ensure_catalogue()


@pytest.fixture(autouse=True)
def fresh_cache() -> None:
    """Throttle and reset-email counts start at nothing in every test, as locked-out sign-ins do
    (axes keeps those in the database, which each test rolls back)."""
    cache.clear()


@pytest.fixture
def register(db: Any, tmp_path: Path) -> dict[str, Organisation]:
    refs = SAMPLE_REFS | {site["site_ref"] for site in national_sites()}
    import_organisations(path=write_sample(tmp_path / "sample.csv", refs))
    return {org.external_id or "": org for org in Organisation.objects.all()}


@pytest.fixture
def cast(register: dict[str, Organisation]) -> dict[str, User]:
    return ensure_cast(PASSWORD)


@pytest.fixture
def alice(cast: dict[str, User]) -> User:
    return cast["alice"]


@pytest.fixture
def bob(cast: dict[str, User]) -> User:
    return cast["bob"]


@pytest.fixture
def charlie(cast: dict[str, User]) -> User:
    return cast["charlie"]


@pytest.fixture
def analyst(cast: dict[str, User]) -> User:
    return cast["analyst"]


@pytest.fixture
def admin_user(cast: dict[str, User]) -> User:
    return cast["admin"]


@pytest.fixture
def laing(register: dict[str, Organisation]) -> Organisation:
    return register["mm.domus.NE026"]


@pytest.fixture
def portrait_gallery(register: dict[str, Organisation]) -> Organisation:
    return register["mm.domus.SE444"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--disable-dev-shm-usage",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args: dict[str, Any], live_server: Any) -> dict[str, Any]:
    """Browser tests open pages of the live server by their paths."""
    return {**browser_context_args, "base_url": live_server.url}


def sign_in(page: Any, user: User) -> None:
    """Sign `user` in on the page, as a person would, with the code from their authenticator app if
    they have one (the sign-in pages' own tests check them with axe)."""
    from playwright.sync_api import expect

    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
        page.get_by_label("Code").fill(two_factor.current_code(device))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def assert_accessible() -> Any:
    """Run axe-core on a Playwright page and fail on any violation, naming each one."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page: Any) -> None:
        from playwright.sync_api import Error

        page.wait_for_load_state()
        try:
            results = axe.run(page)
        except Error:
            # A navigation the last click started replaced the document under axe: check the new page.
            page.wait_for_load_state()
            results = axe.run(page)
        violations = results.response["violations"]
        assert not violations, "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}" for v in violations
        )

    return check
