"""The browser suite's fixtures: Chromium through Playwright, a logged-in desk, screenshots.

scripts/run_tests.py runs this folder against a seeded site it serves, with:

  TP_BROWSER_BASE_URL       http://<site>:<port>
  TP_BROWSER_SITE           the site's name (mapped to 127.0.0.1 for Chromium)
  TP_BROWSER_ADMIN_PASSWORD Administrator's password
  TP_BROWSER_SEED           the JSON file traceability_plus.tests.browser_seed wrote
  TP_BROWSER_SCREENSHOTS    where each step's screenshot goes
  TP_BROWSER_CHROMIUM       the browser (default /usr/bin/chromium)

Without TP_BROWSER_BASE_URL (the unit-test run of tests/) nothing here is collected.
"""

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest

BASE_URL = os.environ.get("TP_BROWSER_BASE_URL", "").rstrip("/")
if not BASE_URL:
	collect_ignore_glob = ["test_*.py"]

CHROMIUM_ARGS = [
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]
TIMEOUT_MS = 30_000


def slug(doctype: str) -> str:
	return doctype.lower().replace(" ", "-")


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
	outcome = yield
	report = outcome.get_result()
	setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def seed() -> dict:
	return json.loads(Path(os.environ["TP_BROWSER_SEED"]).read_text())


@pytest.fixture(scope="session")
def shots_dir() -> Path:
	path = Path(os.environ.get("TP_BROWSER_SCREENSHOTS", ".ci-logs/browser/local"))
	path.mkdir(parents=True, exist_ok=True)
	return path


@pytest.fixture(scope="session")
def browser():
	from playwright.sync_api import sync_playwright

	args = list(CHROMIUM_ARGS)
	site = os.environ.get("TP_BROWSER_SITE")
	if site:
		args.append(f"--host-resolver-rules=MAP {site} 127.0.0.1")
	with sync_playwright() as playwright:
		browser = playwright.chromium.launch(
			executable_path=os.environ.get("TP_BROWSER_CHROMIUM", "/usr/bin/chromium"),
			args=args,
			headless=True,
		)
		yield browser
		browser.close()


def login_state(browser, user: str, password: str) -> dict:
	"""A logged-in storage state, by the login API (test_login checks the /login page itself)."""
	# Through the browser's own fetch: Playwright's API requests do not use Chromium's resolver.
	context = browser.new_context(base_url=BASE_URL)
	page = context.new_page()
	page.goto(f"{BASE_URL}/api/method/ping")
	status, text = page.evaluate(
		"""async ([user, password]) => {
			const response = await fetch('/api/method/login', {
				method: 'POST',
				headers: {'Content-Type': 'application/x-www-form-urlencoded', 'Accept': 'application/json'},
				body: new URLSearchParams({usr: user, pwd: password}),
			});
			return [response.status, await response.text()];
		}""",
		[user, password],
	)
	assert status == 200, f"login of {user} failed: {status} {text[:300]}"
	state = context.storage_state()
	context.close()
	return state


@pytest.fixture(scope="session")
def admin_state(browser):
	return login_state(browser, "Administrator", os.environ.get("TP_BROWSER_ADMIN_PASSWORD", "admin"))


@pytest.fixture(scope="session")
def stock_user_state(browser, seed):
	return login_state(browser, seed["stock_user"]["user"], seed["stock_user"]["password"])


class Desk:
	"""One page of the desk, with its JavaScript errors and numbered screenshots."""

	def __init__(self, page, shots_dir: Path, name: str):
		self.page = page
		self.shots_dir = shots_dir
		self.name = name
		self.count = 0
		self.errors: list[str] = []
		page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

	def shot(self, label: str):
		self.count += 1
		safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", label).strip("-")[:60]
		self.page.screenshot(path=str(self.shots_dir / f"{self.name}-{self.count:02d}-{safe}.png"))

	def goto(self, path: str):
		self.page.goto(BASE_URL + path, wait_until="domcontentloaded")

	def wait_idle(self):
		"""No request of the desk pending, then a short settle for what the callbacks render."""
		self.page.wait_for_function(
			"() => window.frappe && frappe.request && !frappe.request.ajax_count", timeout=TIMEOUT_MS
		)
		self.page.wait_for_timeout(400)
		self.page.wait_for_function(
			"() => window.frappe && frappe.request && !frappe.request.ajax_count", timeout=TIMEOUT_MS
		)

	def wait_desk(self):
		self.page.wait_for_function(
			"() => window.frappe && frappe.boot && frappe.boot.user && frappe.router", timeout=TIMEOUT_MS
		)
		self.wait_idle()

	def open_form(self, doctype: str, name: str | None = None):
		"""The form of a document (a new one without `name`), refreshed and idle."""
		self.goto(f"/app/{slug(doctype)}/{quote(name) if name else 'new'}")
		self.wait_desk()
		self.page.wait_for_function(
			"""([doctype, name]) => window.cur_frm && cur_frm.doctype === doctype && cur_frm.doc
				&& (name ? cur_frm.doc.name === name : cur_frm.is_new())
				&& cur_frm.page && $(cur_frm.page.wrapper).is(':visible')""",
			arg=[doctype, name],
			timeout=TIMEOUT_MS,
		)
		self.wait_idle()

	def group_items(self, group: str) -> list[str]:
		"""The labels of a form's custom button group (what add_custom_button(label, fn, group) made)."""
		return self.page.evaluate(
			"""(group) => $(cur_frm.page.wrapper)
				.find(`.inner-group-button[data-label="${encodeURIComponent(group)}"] .dropdown-item`)
				.map((i, el) => decodeURIComponent(el.dataset.label || '') || el.textContent.trim()).get()""",
			group,
		)

	def group_exists(self, group: str) -> bool:
		return self.page.evaluate(
			"""(group) => $(cur_frm.page.wrapper)
				.find(`.inner-group-button[data-label="${encodeURIComponent(group)}"]`).length > 0""",
			group,
		)

	def click_group_item(self, group: str, label: str):
		wrapper = self.page.locator(
			f'.page-head:visible .inner-group-button[data-label="{quote(group)}"]'
		).first
		wrapper.locator("button").first.click()
		wrapper.locator(f'.dropdown-item[data-label="{quote(label)}"]').click()

	def click_toolbar_button(self, label: str):
		"""A custom button outside any group."""
		self.page.locator(
			f'.page-head:visible .page-actions button[data-label="{quote(label)}"]'
		).first.click()

	def form_indicator(self) -> str:
		return self.page.locator(".page-head:visible .indicator-pill").first.inner_text().strip()

	def call(self, method: str, **args):
		"""A server method through the desk's own frappe.xcall, as the logged-in user."""
		return self.page.evaluate("([method, args]) => frappe.xcall(method, args)", [method, args])


def make_desk(browser, state, shots_dir, request):
	context = browser.new_context(
		base_url=BASE_URL, storage_state=state, viewport={"width": 1400, "height": 900}, accept_downloads=True
	)
	context.set_default_timeout(TIMEOUT_MS)
	page = context.new_page()
	desk = Desk(page, shots_dir, request.node.name)
	return context, desk


def finish_desk(context, desk, request):
	failed = any(
		getattr(request.node, f"rep_{when}", None) and getattr(request.node, f"rep_{when}").failed
		for when in ("setup", "call")
	)
	if failed:
		try:
			desk.shot("FAILED")
		except Exception:
			pass
	context.close()


@pytest.fixture
def desk(browser, admin_state, shots_dir, request):
	"""A desk page logged in as Administrator."""
	context, page_desk = make_desk(browser, admin_state, shots_dir, request)
	yield page_desk
	finish_desk(context, page_desk, request)


@pytest.fixture
def stock_user_desk(browser, stock_user_state, shots_dir, request):
	"""A desk page logged in as the seeded Stock User."""
	context, page_desk = make_desk(browser, stock_user_state, shots_dir, request)
	yield page_desk
	finish_desk(context, page_desk, request)


@pytest.fixture
def anonymous_desk(browser, shots_dir, request):
	context, page_desk = make_desk(browser, None, shots_dir, request)
	yield page_desk
	finish_desk(context, page_desk, request)
