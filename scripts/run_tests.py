#!/usr/bin/env python3
"""Run every test that can run on this machine and print one closing line.

1. The pure unit tests (pytest, no Frappe), in a virtualenv of the checkout.
2. For each Frappe bench found (TP_BENCH, default /opt/tpbench/frappe-bench, and
   TP_BENCH_V16, default /opt/tpbench/frappe-bench-v16): the integration tests on a
   fresh throwaway site with ERPNext and this checkout's app installed, dropped after.
3. On each bench, ERPNext's own stock test modules (ERPNEXT_SUITE) on another throwaway
   site with the app installed. A test that fails there is run again on a plain ERPNext
   site of the same bench: one that fails there too is ERPNext's own (counted as
   skipped and listed); one that passes there is ours (failed).
4. On each bench, after the integration tests, the browser suite (tests/browser, pytest and
   Playwright driving Debian's Chromium at /usr/bin/chromium): a fresh site with the app,
   seeded by traceability_plus.tests.browser_seed (which completes the setup wizard),
   served by `frappe serve`, dropped after. Screenshots of every step are kept in
   .ci-logs/browser/<bench>/. Without Chromium (and none installable with apt-get as
   root) it prints "browser suite skipped: no Chromium" and counts nothing.

The last line is `N passed, N failed` (`, N skipped` when any were skipped), unit and
integration together. The exit code is non-zero when any test failed or a bench could
not run its tests.

Environment:
  TP_BENCH, TP_BENCH_V16      bench folders ("" or "none" skips one)
  TP_DB_ROOT_USERNAME/PASSWORD  a MariaDB account that may create databases
                                (default tp_admin/tp_admin, created through root's
                                socket login when missing)
  TP_KEEP_SITE=1              keep the throwaway sites for debugging
  TP_TEST_MODULE=dotted.path  run only that integration test module
  TP_ERPNEXT_SUITE=0          skip ERPNext's own test modules (only the app's tests)
  TP_ERPNEXT_PLAIN_BASELINE=1 also run every ERPNext module whole on the plain site
  TP_BROWSER=0                skip the browser suite
  TP_BROWSER_ONLY=1           on each bench, only the browser suite (no integration tests,
                              no ERPNext modules; the unit tests still run)
  TP_BROWSER_TEST=expr        pytest -k expression: only those browser tests
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
APP = "traceability_plus"
BENCHES = (
	("v15", "TP_BENCH", "/opt/tpbench/frappe-bench"),
	("v16", "TP_BENCH_V16", "/opt/tpbench/frappe-bench-v16"),
)
DB_ROOT_USERNAME = os.environ.get("TP_DB_ROOT_USERNAME", "tp_admin")
DB_ROOT_PASSWORD = os.environ.get("TP_DB_ROOT_PASSWORD", "tp_admin")
DB_ROOT = ["--db-root-username", DB_ROOT_USERNAME, "--db-root-password", DB_ROOT_PASSWORD]
LOG_DIR = CHECKOUT / ".ci-logs"
CHROMIUM = Path("/usr/bin/chromium")
BROWSER_SUITE_TIMEOUT = 15 * 60
VENV_LOCK = threading.Lock()

# ERPNext's own test modules that touch what the app hooks into: (DocType, module).
# Frappe v15 makes ERPNext's test records only for `run-tests --doctype`; v16 always.
ERPNEXT_SUITE = (
	("Batch", "erpnext.stock.doctype.batch.test_batch"),
	("Serial No", "erpnext.stock.doctype.serial_no.test_serial_no"),
	("Serial and Batch Bundle", "erpnext.stock.doctype.serial_and_batch_bundle.test_serial_and_batch_bundle"),
	("Stock Reconciliation", "erpnext.stock.doctype.stock_reconciliation.test_stock_reconciliation"),
	("Pick List", "erpnext.stock.doctype.pick_list.test_pick_list"),
	("Delivery Note", "erpnext.stock.doctype.delivery_note.test_delivery_note"),
	("Purchase Receipt", "erpnext.stock.doctype.purchase_receipt.test_purchase_receipt"),
	("Stock Entry", "erpnext.stock.doctype.stock_entry.test_stock_entry"),
	("Work Order", "erpnext.manufacturing.doctype.work_order.test_work_order"),
	("POS Invoice", "erpnext.accounts.doctype.pos_invoice.test_pos_invoice"),
)
ERPNEXT_MODULE_TIMEOUT = 40 * 60
# ERPNext's tests would ask the internet for rates between their USD price lists and INR
# companies; this machine has none, so both of their sites get these, valid from 2000.
EXCHANGE_RATES = {
	("USD", "INR"): 83.0,
	("INR", "USD"): 0.012,
	("EUR", "INR"): 90.0,
	("INR", "EUR"): 0.011,
	("EUR", "USD"): 1.08,
	("USD", "EUR"): 0.93,
}


@dataclass
class Tally:
	passed: int = 0
	failed: int = 0
	skipped: int = 0
	problems: list[str] = field(default_factory=list)

	def add(self, other: "Tally"):
		self.passed += other.passed
		self.failed += other.failed
		self.skipped += other.skipped
		self.problems += other.problems


@dataclass
class ModuleRun:
	"""One `run-tests` of an ERPNext module: how many ran, which failed (by test name)."""

	ran: int
	skipped: int
	failed_tests: set[str]
	broken: str = ""  # why the run gave no usable result (crash, timeout, a class setup failed)

	@classmethod
	def of(cls, text: str, returncode: "int | None") -> "ModuleRun":
		tally = tally_unittest_output(text)
		failed = set(re.findall(r"^(?:FAIL|ERROR): (test\w*) \(", text, re.M))
		broken = ""
		if returncode is None:
			broken = "timed out"
		elif tally is None:
			broken = f"no result (exit {returncode})"
		elif re.search(r"^ERROR: (setUpClass|tearDownClass|setUpModule)\b", text, re.M):
			broken = "a class or module setup failed"
		if tally is None:
			return cls(0, 0, failed, broken)
		return cls(tally.passed + tally.failed + tally.skipped, tally.skipped, failed, broken)


def say(message: str):
	print(f"[run_tests] {message}", flush=True)


def run(command: list[str], cwd: Path | None = None, log: Path | None = None, check: bool = True, env=None):
	"""Run a command, echoing it; with `log`, its output goes there and its tail to the screen."""
	say("$ " + " ".join(command))
	started = time.monotonic()
	if log:
		with log.open("ab") as out:
			result = subprocess.run(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
	else:
		result = subprocess.run(command, cwd=cwd, env=env)
	say(f"  exit {result.returncode} after {time.monotonic() - started:.0f} s")
	if check and result.returncode != 0:
		if log:
			print_tail(log)
		raise RuntimeError(f"{command[0]} {' '.join(command[1:3])} failed with exit {result.returncode}")
	return result


def print_tail(log: Path, lines: int = 60):
	"""The end of a log, without Frappe's progress bars, each line cut to a readable width."""
	text = [
		line[-400:]
		for line in log.read_text(errors="replace").replace("\r", "\n").splitlines()
		if line.strip() and "Updating DocTypes" not in line
	]
	print("\n".join(text[-lines:]), flush=True)


def tally_junit(path: Path) -> Tally:
	"""Count the test cases of pytest's JUnit XML report."""
	tally = Tally()
	for case in ET.parse(path).getroot().iter("testcase"):
		outcomes = {child.tag for child in case}
		if outcomes & {"failure", "error"}:
			tally.failed += 1
		elif "skipped" in outcomes:
			tally.skipped += 1
		else:
			tally.passed += 1
	return tally


def tally_unittest_output(text: str) -> "Tally | None":
	"""Count unittest's summaries: `Ran N tests` then `OK (skipped=1)` or `FAILED (failures=1, errors=2)`.

	Frappe's runners print one summary per run (v16 one per test category); they are
	added up. None when there is no summary at all (the runner crashed before it).
	Frappe v16-dev accepts --junit-xml-output but writes nothing, so the text is what
	both versions have in common.
	"""
	summaries = re.findall(r"^Ran (\d+) tests? in [\d.]+s\s*\n\s*\n?(OK|FAILED)(?: \(([^)]*)\))?", text, re.M)
	if not summaries:
		return None
	tally = Tally()
	for ran, _status, details in summaries:
		counts = {key.strip(): int(value) for key, value in re.findall(r"([a-z ]+)=(\d+)", details or "")}
		failed = counts.get("failures", 0) + counts.get("errors", 0) + counts.get("unexpected successes", 0)
		skipped = counts.get("skipped", 0)
		tally.failed += failed
		tally.skipped += skipped
		tally.passed += int(ran) - failed - skipped
	return tally


# -- unit tests ---------------------------------------------------------------------------


def checkout_venv(extras: str) -> Path:
	"""The checkout's .ci-venv with the app and these extras installed; its Python.

	Installs the app's declared dependencies (python-barcode, reportlab) too, so the tests
	that run in it prove the dependency list. Two benches side by side share it: one pip
	at a time."""
	venv = CHECKOUT / ".ci-venv"
	python = venv / "bin" / "python"
	with VENV_LOCK:
		if not python.exists():
			run([sys.executable, "-m", "venv", str(venv)])
		pip_install_editable(python, f"{CHECKOUT}[{extras}]")
	return python


def pip_install_editable(python: Path, requirement: str, log: Path | None = None):
	"""`pip install -e` of the checkout (or its copy) with extras, into that Python's env."""
	command = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", requirement]
	run(command, log=log)


def run_unit_tests() -> Tally:
	python = checkout_venv("test")
	report = LOG_DIR / "unit.xml"
	result = run(
		[
			str(python),
			"-m",
			"pytest",
			"-p",
			"no:cacheprovider",
			f"--junitxml={report}",
			str(CHECKOUT / "tests"),
		],
		cwd=CHECKOUT,
		check=False,
	)
	if not report.exists():
		return Tally(failed=1, problems=[f"pytest wrote no report (exit {result.returncode})"])
	tally = tally_junit(report)
	if result.returncode not in (0, 1):  # 1 = some tests failed, already counted
		tally.problems.append(f"pytest exited {result.returncode}")
	say(f"unit: {tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped")
	return tally


# -- services -----------------------------------------------------------------------------


def port_open(port: int) -> bool:
	with socket.socket() as sock:
		sock.settimeout(1)
		return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for_port(port: int, seconds: int = 60) -> bool:
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		if port_open(port):
			return True
		time.sleep(1)
	return False


def start_services():
	if not port_open(3306):
		say("MariaDB is not running: starting it")
		run(["start-stop-daemon", "--start", "--oknodo", "--background", "--exec", "/usr/sbin/mariadbd"])
		if not wait_for_port(3306):
			raise RuntimeError("MariaDB did not start on 127.0.0.1:3306")
	if not port_open(6379):
		say("Redis is not running: starting it")
		Path("/var/lib/redis").mkdir(parents=True, exist_ok=True)
		Path("/var/log/redis").mkdir(parents=True, exist_ok=True)
		run(
			[
				"redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
				"--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
				"--logfile", "/var/log/redis/ci.log",
			]
		)  # fmt: skip
		if not wait_for_port(6379):
			raise RuntimeError("Redis did not start on 127.0.0.1:6379")
	prepare_mariadb()


def mariadb(sql: str, user: str | None = None, password: str | None = None) -> subprocess.CompletedProcess:
	command = ["mariadb", "--batch", "--skip-column-names"]
	if user:
		command += ["-h", "127.0.0.1", "-u", user, f"-p{password}"]
	else:  # root through the socket, as the machine's administrator
		command += ["-u", "root"]
	return subprocess.run([*command, "-e", sql], capture_output=True, text=True)


def prepare_mariadb():
	"""Frappe wants utf8mb4 and an account that may create a site's database and user."""
	if mariadb("SELECT 1", DB_ROOT_USERNAME, DB_ROOT_PASSWORD).returncode != 0:
		say(f"creating the MariaDB account {DB_ROOT_USERNAME} for bench")
		statements = []
		for host in ("localhost", "%", "127.0.0.1"):
			account = f"'{DB_ROOT_USERNAME}'@'{host}'"
			statements += [
				f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY '{DB_ROOT_PASSWORD}'",
				f"GRANT ALL PRIVILEGES ON *.* TO {account} WITH GRANT OPTION",
			]
		result = mariadb("; ".join(statements) + "; FLUSH PRIVILEGES")
		if result.returncode != 0:
			raise RuntimeError(
				f"cannot create the MariaDB account {DB_ROOT_USERNAME}: {result.stderr.strip()} "
				"(set TP_DB_ROOT_USERNAME and TP_DB_ROOT_PASSWORD to an account that can create databases)"
			)
	charset = mariadb(
		"SELECT @@character_set_server, @@collation_server", DB_ROOT_USERNAME, DB_ROOT_PASSWORD
	).stdout.split()
	if charset != ["utf8mb4", "utf8mb4_unicode_ci"]:
		say(f"MariaDB uses {charset}: switching the server to utf8mb4 / utf8mb4_unicode_ci")
		mariadb(
			"SET GLOBAL character_set_server = 'utf8mb4'; SET GLOBAL collation_server = 'utf8mb4_unicode_ci'",
			DB_ROOT_USERNAME,
			DB_ROOT_PASSWORD,
		)


# -- integration tests --------------------------------------------------------------------


class Bench:
	def __init__(self, label: str, path: Path):
		self.label = label
		self.path = path
		self.python = path / "env" / "bin" / "python"
		self.log = LOG_DIR / f"bench-{label}.log"

	def frappe(self, *args: str, check: bool = True, env=None):
		"""A Frappe command, as `bench` runs it: the framework's CLI from the sites folder."""
		return run(
			[str(self.python), "-m", "frappe.utils.bench_helper", "frappe", *args],
			cwd=self.path / "sites",
			log=self.log,
			check=check,
			env=env,
		)

	def install_checkout(self):
		"""Put a copy of the checkout under test into the bench and pip-install it.

		A copy, not a link: the bench must keep working after this checkout is gone.
		"""
		target = self.path / "apps" / APP
		if target.is_symlink() or target.is_file():
			target.unlink()
		elif target.exists():
			shutil.rmtree(target)
		shutil.copytree(
			CHECKOUT,
			target,
			ignore=shutil.ignore_patterns(
				".git", ".ci-venv", ".ci-logs", "__pycache__", "*.egg-info", "node_modules"
			),
		)
		# The test extra brings the barcode decoder the label tests read back with.
		pip_install_editable(self.python, f"{target}[test]", log=self.log)
		apps_txt = self.path / "sites" / "apps.txt"
		apps = apps_txt.read_text().split()
		if APP not in apps:
			apps_txt.write_text("\n".join([*apps, APP]) + "\n")
		# Frappe renders every email with its bundled CSS, named in sites/assets/assets.json.
		# A bench set up without building assets has none, and the recall's notification
		# emails would fail on it: an empty map makes Frappe link the unbundled names.
		assets_json = self.path / "sites" / "assets" / "assets.json"
		if not assets_json.exists():
			assets_json.parent.mkdir(parents=True, exist_ok=True)
			assets_json.write_text("{}\n")

	@property
	def major_version(self) -> int:
		init = (self.path / "apps" / "frappe" / "frappe" / "__init__.py").read_text()
		return int(re.search(r"__version__ = \"(\d+)", init).group(1))

	def new_site(self, kind: str, with_app: bool, for_erpnext_tests: bool = False) -> str:
		site = f"tp-{kind}-{self.label}-{secrets.token_hex(3)}.localhost"
		apps = ["erpnext"]
		if for_erpnext_tests and self.major_version < 16 and (self.path / "apps" / "payments").is_dir():
			# ERPNext 15's test records link to Payment Gateway, a doctype of the payments
			# app; ERPNext's own v15 CI installs it beside ERPNext, and so do we.
			apps.insert(0, "payments")
		say(f"{self.label}: creating the throwaway site {site} with {', '.join(apps)}")
		install = [arg for app in apps for arg in ("--install-app", app)]
		self.frappe(
			"new-site", site, *DB_ROOT, "--db-host", "127.0.0.1", "--admin-password", "admin", *install
		)  # fmt: skip
		if with_app:
			say(f"{self.label}: installing {APP} on {site} as an admin would")
			self.frappe("--site", site, "install-app", APP)
		self.frappe("--site", site, "set-config", "allow_tests", "true")
		return site

	def drop_site(self, site: str):
		if os.environ.get("TP_KEEP_SITE") == "1":
			say(f"{self.label}: keeping {site} (TP_KEEP_SITE=1)")
			return
		self.frappe("drop-site", site, *DB_ROOT, "--no-backup", "--force", check=False)
		# drop-site still moves the site folder to archived/sites; nothing in it is worth keeping.
		shutil.rmtree(self.path / "archived" / "sites" / site, ignore_errors=True)

	def run_tests(self, site: str, scope: list[str], output: Path, timeout: int | None = None):
		"""`run-tests` on the site; (its output, its exit code or None after a timeout)."""
		command = [str(self.python), "-m", "frappe.utils.bench_helper", "frappe", "--site", site, "run-tests"]
		say("$ " + " ".join(command + scope))
		started = time.monotonic()
		with output.open("ab") as out:
			try:
				# Without CI set, Frappe v15's run-tests exits 0 even when tests fail.
				returncode = subprocess.run(
					command + scope,
					cwd=self.path / "sites",
					stdout=out,
					stderr=subprocess.STDOUT,
					env={**os.environ, "CI": "true"},
					timeout=timeout,
				).returncode
			except subprocess.TimeoutExpired:
				returncode = None
		say(f"  exit {returncode} after {time.monotonic() - started:.0f} s")
		return output.read_text(errors="replace"), returncode

	def run_integration_tests(self) -> Tally:
		output = LOG_DIR / f"integration-{self.label}.log"
		output.unlink(missing_ok=True)
		site = self.new_site("ci", with_app=True)
		try:
			scope = (
				["--module", os.environ["TP_TEST_MODULE"]]
				if os.environ.get("TP_TEST_MODULE")
				else ["--app", APP]
			)
			say(f"{self.label}: running the integration tests; output in {output}")
			text, returncode = self.run_tests(site, scope, output)
			print_tail(output, 40)
			tally = tally_unittest_output(text)
			if tally is None:
				return Tally(
					failed=1,
					problems=[f"{self.label}: run-tests printed no result (exit {returncode})"],
				)
			if returncode != 0 and not tally.failed:
				tally.problems.append(f"{self.label}: run-tests exited {returncode}")
			say(f"{self.label}: {tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped")
			return tally
		finally:
			self.drop_site(site)

	# -- the browser suite ----------------------------------------------------------------

	def run_browser_tests(self) -> Tally:
		"""tests/browser with Playwright and Chromium on a seeded site served by `frappe serve`."""
		if not chromium_available():
			say(f"{self.label}: browser suite skipped: no Chromium")
			return Tally()
		started = time.monotonic()
		# Playwright's Python package drives the system Chromium: no browser is downloaded.
		python = checkout_venv("test,browser")
		shots = LOG_DIR / "browser" / self.label
		shutil.rmtree(shots, ignore_errors=True)
		shots.mkdir(parents=True)
		seed_file = shots / "seed.json"
		server_log = LOG_DIR / f"browser-server-{self.label}.log"
		report = LOG_DIR / f"browser-{self.label}.xml"
		report.unlink(missing_ok=True)
		site = self.new_site("browser", with_app=True)
		server = None
		try:
			say(f"{self.label}: seeding {site} for the browser suite (setup wizard, stock, recalls)")
			self.frappe(
				"--site", site, "execute", f"{APP}.tests.browser_seed.seed",
				"--kwargs", json.dumps({"output": str(seed_file)}),
			)  # fmt: skip
			port = free_port()
			say(f"{self.label}: serving {site} on port {port}; log in {server_log}")
			with server_log.open("wb") as out:
				server = subprocess.Popen(
					[
						str(self.python),
						"-m",
						"frappe.utils.bench_helper",
						"frappe",
						"--site",
						site,
						"serve",
						"--port",
						str(port),
						"--noreload",
					],
					cwd=self.path / "sites",
					stdout=out,
					stderr=subprocess.STDOUT,
					start_new_session=True,
				)
			if not wait_for_site(site, port, server):
				print_tail(server_log)
				return Tally(failed=1, problems=[f"{self.label}: frappe serve did not answer on port {port}"])
			command = [
				str(python), "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={report}",
				"-o", "junit_family=xunit1", str(CHECKOUT / "tests" / "browser"),
			]  # fmt: skip
			if os.environ.get("TP_BROWSER_TEST"):
				command += ["-k", os.environ["TP_BROWSER_TEST"]]
			env = {
				**os.environ,
				"TP_BROWSER_BASE_URL": f"http://{site}:{port}",
				"TP_BROWSER_SITE": site,
				"TP_BROWSER_ADMIN_PASSWORD": "admin",
				"TP_BROWSER_SEED": str(seed_file),
				"TP_BROWSER_SCREENSHOTS": str(shots),
				"TP_BROWSER_CHROMIUM": str(CHROMIUM),
				"TP_BROWSER_FRAPPE_MAJOR": str(self.major_version),
			}
			output = LOG_DIR / f"browser-{self.label}.log"
			say(f"{self.label}: running the browser suite; output in {output}, screenshots in {shots}")
			say("$ " + " ".join(command))
			with output.open("wb") as out:
				try:
					returncode = subprocess.run(
						command, cwd=CHECKOUT, env=env, stdout=out, stderr=subprocess.STDOUT,
						timeout=BROWSER_SUITE_TIMEOUT,
					).returncode  # fmt: skip
				except subprocess.TimeoutExpired:
					returncode = None
			print_tail(output, 40)
			if not report.exists():
				return Tally(
					failed=1,
					problems=[f"{self.label}: the browser suite wrote no report (exit {returncode})"],
				)
			tally = tally_junit(report)
			if returncode not in (0, 1):
				tally.problems.append(f"{self.label}: the browser suite's pytest exited {returncode}")
			say(
				f"{self.label}: browser: {tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped "
				f"in {time.monotonic() - started:.0f} s"
			)
			return tally
		finally:
			if server is not None:
				stop_process_group(server)
			self.drop_site(site)

	# -- ERPNext's own tests, with the app installed ------------------------------------

	def erpnext_scope(self, doctype: str, module: str, tests=()) -> list[str]:
		scope = ["--doctype", doctype] if self.major_version < 16 else ["--module", module]
		for test in sorted(tests):
			scope += ["--test", test]
		return scope

	def run_erpnext_module(self, site: str, doctype: str, module: str, kind: str, tests=()) -> "ModuleRun":
		output = LOG_DIR / f"erpnext-{self.label}-{kind}-{module.rsplit('.', 1)[-1]}.log"
		output.unlink(missing_ok=True)
		text, returncode = self.run_tests(
			site, self.erpnext_scope(doctype, module, tests), output, ERPNEXT_MODULE_TIMEOUT
		)
		return ModuleRun.of(text, returncode)

	def run_erpnext_suite(self) -> Tally:
		"""ERPNext's modules on a site with the app; each failure checked on a plain site.

		With TP_ERPNEXT_PLAIN_BASELINE=1 every module also runs whole on the plain site, and
		its failures there are what a failure with the app is compared with.
		"""
		tally = Tally()
		baseline = os.environ.get("TP_ERPNEXT_PLAIN_BASELINE") == "1"
		report_lines = [f"ERPNext's own tests on {self.label} (Frappe {self.major_version}):", ""]
		app_site = self.new_site("erpnext", with_app=True, for_erpnext_tests=True)
		plain_site = None
		try:
			say(
				f"{self.label}: ERPNext's fixtures make items with both Has Batch No and Has Serial No: "
				"'Enforce Batch or Serial, Never Both' is turned OFF on this site; nothing else is. "
				"Both this site and the plain one get the same fixed exchange rates (no internet here)"
			)
			self.frappe("--site", app_site, "execute", f"{APP}.tests.erpnext_suite.prepare_site")
			self.add_exchange_rates(app_site)
			for doctype, module in ERPNEXT_SUITE:
				with_app = self.run_erpnext_module(app_site, doctype, module, "app")
				plain = None
				theirs: set[str] = set()
				if baseline or with_app.failed_tests or with_app.broken:
					plain_site = plain_site or self.new_plain_site()
				if baseline:
					plain = self.run_erpnext_module(plain_site, doctype, module, "plain-module")
					theirs = with_app.failed_tests & plain.failed_tests
				elif with_app.failed_tests or with_app.broken:
					theirs, plain = self.failing_on_plain_erpnext(
						plain_site, app_site, doctype, module, with_app
					)
				ours = with_app.failed_tests - theirs
				# A run that broke on the plain site too (same setup failure, same timeout) is ERPNext's.
				broken_by_app = with_app.broken and not (plain and plain.broken)
				tally.passed += max(with_app.ran - len(with_app.failed_tests), 0)
				tally.skipped += len(theirs) + with_app.skipped
				tally.failed += len(ours) + (1 if broken_by_app else 0)
				line = f"{module}: {with_app.ran} run"
				if plain and baseline:
					line += f", {len(plain.failed_tests)} failed on plain ERPNext (of {plain.ran})"
				line += (
					f", {len(with_app.failed_tests)} failed with the app, "
					f"{len(theirs)} of those fail on plain ERPNext too"
				)
				if with_app.broken:
					line += f"; run broken with the app ({with_app.broken})"
					line += "" if broken_by_app else ", and on plain ERPNext too"
					if broken_by_app:
						tally.problems.append(f"{self.label}: {module}: {with_app.broken}")
				say(f"{self.label}: {line}")
				report_lines.append("- " + line)
				for test in sorted(theirs):
					report_lines.append(f"  - ERPNext's own failure: {test}")
				for test in sorted(ours):
					report_lines.append(f"  - FAILS ONLY WITH THE APP: {test}")
					say(f"{self.label}: FAILS ONLY WITH THE APP: {module} {test}")
		finally:
			self.drop_site(app_site)
			if plain_site:
				self.drop_site(plain_site)
		(LOG_DIR / f"erpnext-suite-{self.label}.md").write_text("\n".join(report_lines) + "\n")
		say(
			f"{self.label}: ERPNext's own tests: {tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped"
		)
		return tally

	def new_plain_site(self) -> str:
		site = self.new_site("plain", with_app=False, for_erpnext_tests=True)
		self.add_exchange_rates(site)
		return site

	def add_exchange_rates(self, site: str):
		"""With Frappe's own insert_many: the plain site has no app whose code could run."""
		docs = [
			{
				"doctype": "Currency Exchange",
				"date": "2000-01-01",
				"from_currency": from_currency,
				"to_currency": to_currency,
				"exchange_rate": rate,
				"for_buying": 1,
				"for_selling": 1,
			}
			for (from_currency, to_currency), rate in EXCHANGE_RATES.items()
		]
		self.frappe(
			"--site", site, "execute", "frappe.client.insert_many", "--kwargs", json.dumps({"docs": docs})
		)

	def failing_on_plain_erpnext(self, plain_site, app_site, doctype, module, with_app):
		"""(the tests failing with the app that fail on the plain site too, the plain run).

		A broken run is run whole on the plain site. Otherwise each failing test runs alone
		on the plain site; one that passes alone there runs alone on the app's site:
		failing alone there, it is ours. One that passes alone on both failed through the
		order of the module, so the whole module runs on the plain site to compare.
		"""
		if with_app.broken:
			plain = self.run_erpnext_module(plain_site, doctype, module, "plain-module")
			return with_app.failed_tests & plain.failed_tests, plain
		alone_plain = self.run_erpnext_module(
			plain_site, doctype, module, "plain-alone", with_app.failed_tests
		)
		theirs = with_app.failed_tests & alone_plain.failed_tests
		passed_alone_on_plain = with_app.failed_tests - theirs
		if not passed_alone_on_plain:
			return theirs, alone_plain
		alone_app = self.run_erpnext_module(app_site, doctype, module, "app-alone", passed_alone_on_plain)
		order_dependent = passed_alone_on_plain - alone_app.failed_tests
		if order_dependent:
			whole_plain = self.run_erpnext_module(plain_site, doctype, module, "plain-module")
			theirs |= order_dependent & whole_plain.failed_tests
		return theirs, alone_plain


# -- browser suite helpers ----------------------------------------------------------------


# Benches run side by side (TP_PARALLEL_BENCHES=1) would both run apt-get, and the second
# one fails on dpkg's lock: one installs, the other waits and finds it installed.
CHROMIUM_INSTALL = threading.Lock()


def chromium_available() -> bool:
	"""Debian's Chromium; installed with apt-get when missing and running as root (CI)."""
	with CHROMIUM_INSTALL:
		return CHROMIUM.exists() or install_chromium()


def install_chromium() -> bool:
	"""With apt-get, when running as root (CI); True once it is there."""
	if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
		say("Chromium is missing: installing Debian's chromium with apt-get")
		env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
		if run(["apt-get", "install", "-y", "chromium"], check=False, env=env).returncode != 0:
			run(["apt-get", "update"], check=False, env=env)
			run(["apt-get", "install", "-y", "chromium"], check=False, env=env)
	return CHROMIUM.exists()


def free_port() -> int:
	with socket.socket() as sock:
		sock.bind(("127.0.0.1", 0))
		return sock.getsockname()[1]


def wait_for_site(site: str, port: int, server: subprocess.Popen, seconds: int = 90) -> bool:
	"""True once the site answers /api/method/ping (asked with its name as the Host)."""
	deadline = time.monotonic() + seconds
	while time.monotonic() < deadline:
		if server.poll() is not None:
			return False
		request = urllib.request.Request(
			f"http://127.0.0.1:{port}/api/method/ping", headers={"Host": f"{site}:{port}"}
		)
		try:
			with urllib.request.urlopen(request, timeout=5) as response:
				if b"pong" in response.read():
					return True
		except OSError:
			pass
		time.sleep(1)
	return False


def stop_process_group(process: subprocess.Popen):
	"""Stop a server started in a session of its own, and whatever it started."""
	if process.poll() is not None:
		return
	try:
		os.killpg(process.pid, 15)
		process.wait(timeout=15)
	except subprocess.TimeoutExpired:
		os.killpg(process.pid, 9)
		process.wait()
	except ProcessLookupError:
		pass


def find_benches() -> list[Bench]:
	benches = []
	for label, variable, default in BENCHES:
		path = os.environ.get(variable, default)
		if path.lower() in ("", "none"):
			continue
		if (Path(path) / "apps" / "frappe").is_dir() and (Path(path) / "apps" / "erpnext").is_dir():
			benches.append(Bench(label, Path(path)))
		else:
			say(f"no {label} bench at {path} ({variable})")
	return benches


def test_bench(bench: "Bench", with_erpnext_suite: bool) -> Tally:
	tally = Tally()
	try:
		say(f"{bench.label}: installing the checkout into {bench.path}; log in {bench.log}")
		bench.install_checkout()
		browser_only = os.environ.get("TP_BROWSER_ONLY") == "1"
		steps = [] if browser_only else [bench.run_integration_tests]
		if os.environ.get("TP_BROWSER", "1") != "0":
			steps.append(bench.run_browser_tests)
		if with_erpnext_suite and not browser_only:
			steps.append(bench.run_erpnext_suite)
		for step in steps:
			try:
				tally.add(step())
			except RuntimeError as error:
				tally.add(Tally(failed=1, problems=[f"{bench.label}: {error}"]))
	except RuntimeError as error:
		tally.add(Tally(failed=1, problems=[f"{bench.label}: {error}"]))
	return tally


def main() -> int:
	LOG_DIR.mkdir(exist_ok=True)
	total = Tally()
	total.add(run_unit_tests())

	benches = find_benches()
	if not benches:
		say("integration tests NOT run: no Frappe/ERPNext bench found (set TP_BENCH or TP_BENCH_V16)")
	else:
		try:
			start_services()
		except RuntimeError as error:
			total.add(Tally(failed=1, problems=[f"services: {error}"]))
			benches = []
		with_erpnext_suite = os.environ.get("TP_ERPNEXT_SUITE", "1") != "0" and not os.environ.get(
			"TP_TEST_MODULE"
		)
		if not with_erpnext_suite:
			say("ERPNext's own test modules NOT run (TP_ERPNEXT_SUITE=0 or TP_TEST_MODULE set)")
		# The benches are independent; TP_PARALLEL_BENCHES=1 runs each in a thread of its
		# own (faster, but two suites then share two cores and their timing-sensitive tests).
		workers = len(benches) if os.environ.get("TP_PARALLEL_BENCHES") == "1" else 1
		with ThreadPoolExecutor(max_workers=workers) as pool:
			for tally in pool.map(lambda bench: test_bench(bench, with_erpnext_suite), benches):
				total.add(tally)

	for problem in total.problems:
		say(f"PROBLEM: {problem}")
	closing = f"{total.passed} passed, {total.failed} failed"
	if total.skipped:
		closing += f", {total.skipped} skipped"
	print(closing, flush=True)
	return 1 if total.failed or total.problems else 0


if __name__ == "__main__":
	sys.exit(main())
