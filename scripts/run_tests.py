#!/usr/bin/env python3
"""Run every test that can run on this machine and print one closing line.

1. The pure unit tests (pytest, no Frappe), in a virtualenv of the checkout.
2. For each Frappe bench found (TP_BENCH, default /opt/tpbench/frappe-bench, and
   TP_BENCH_V16, default /opt/tpbench/frappe-bench-v16): the integration tests on a
   fresh throwaway site with ERPNext and this checkout's app installed, dropped after.

The last line is `N passed, N failed` (`, N skipped` when any were skipped), unit and
integration together. The exit code is non-zero when any test failed or a bench could
not run its tests.

Environment:
  TP_BENCH, TP_BENCH_V16      bench folders ("" or "none" skips one)
  TP_DB_ROOT_USERNAME/PASSWORD  a MariaDB account that may create databases
                                (default tp_admin/tp_admin, created through root's
                                socket login when missing)
  TP_KEEP_SITE=1              keep the throwaway site for debugging
  TP_TEST_MODULE=dotted.path  run only that integration test module
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
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
LOG_DIR = CHECKOUT / ".ci-logs"


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


def run_unit_tests() -> Tally:
	venv = CHECKOUT / ".ci-venv"
	python = venv / "bin" / "python"
	if not python.exists():
		run([sys.executable, "-m", "venv", str(venv)])
	# Installs the app's declared dependencies (python-barcode, reportlab) and pytest,
	# so the unit tests prove the dependency list too.
	run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", "-e", f"{CHECKOUT}[test]"])
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
		run(
			[
				str(self.python),
				"-m",
				"pip",
				"install",
				"-q",
				"--disable-pip-version-check",
				"-e",
				# The test extra brings the barcode decoder the label tests read back with.
				f"{target}[test]",
			],
			log=self.log,
		)
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

	def run_integration_tests(self) -> Tally:
		site = f"tp-ci-{self.label}-{secrets.token_hex(3)}.localhost"
		db_root = ["--db-root-username", DB_ROOT_USERNAME, "--db-root-password", DB_ROOT_PASSWORD]
		output = LOG_DIR / f"integration-{self.label}.log"
		output.unlink(missing_ok=True)
		say(f"{self.label}: installing the checkout into {self.path}; log in {self.log}")
		self.install_checkout()
		try:
			say(f"{self.label}: creating the throwaway site {site} with ERPNext")
			self.frappe(
				"new-site", site, *db_root, "--db-host", "127.0.0.1", "--admin-password", "admin",
				"--install-app", "erpnext",
			)  # fmt: skip
			say(f"{self.label}: installing {APP} as an admin would")
			self.frappe("--site", site, "install-app", APP)
			self.frappe("--site", site, "set-config", "allow_tests", "true")
			scope = (
				["--module", os.environ["TP_TEST_MODULE"]]
				if os.environ.get("TP_TEST_MODULE")
				else ["--app", APP]
			)
			say(f"{self.label}: running the integration tests; output in {output}")
			# Without CI set, Frappe v15's run-tests exits 0 even when tests fail.
			result = run(
				[
					str(self.python),
					"-m",
					"frappe.utils.bench_helper",
					"frappe",
					"--site",
					site,
					"run-tests",
					*scope,
				],
				cwd=self.path / "sites",
				log=output,
				check=False,
				env={**os.environ, "CI": "true"},
			)
			print_tail(output, 40)
			tally = tally_unittest_output(output.read_text(errors="replace"))
			if tally is None:
				return Tally(
					failed=1,
					problems=[f"{self.label}: run-tests printed no result (exit {result.returncode})"],
				)
			if result.returncode != 0 and not tally.failed:
				tally.problems.append(f"{self.label}: run-tests exited {result.returncode}")
			say(f"{self.label}: {tally.passed} passed, {tally.failed} failed, {tally.skipped} skipped")
			return tally
		finally:
			if os.environ.get("TP_KEEP_SITE") == "1":
				say(f"{self.label}: keeping {site} (TP_KEEP_SITE=1)")
			else:
				self.frappe("drop-site", site, *db_root, "--no-backup", "--force", check=False)
				# drop-site still moves the site folder to archived/sites; nothing in it is worth keeping.
				shutil.rmtree(self.path / "archived" / "sites" / site, ignore_errors=True)


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
		for bench in benches:
			try:
				total.add(bench.run_integration_tests())
			except RuntimeError as error:
				total.add(Tally(failed=1, problems=[f"{bench.label}: {error}"]))

	for problem in total.problems:
		say(f"PROBLEM: {problem}")
	closing = f"{total.passed} passed, {total.failed} failed"
	if total.skipped:
		closing += f", {total.skipped} skipped"
	print(closing, flush=True)
	return 1 if total.failed or total.problems else 0


if __name__ == "__main__":
	sys.exit(main())
