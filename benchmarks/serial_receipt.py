"""Benchmark: submit a Purchase Receipt of N serialised units, ERPNext's naming vs the app's rules.

Run it with the bench's Python from the bench's sites folder, on a site with ERPNext and
Traceability Plus installed (a test site is fine; nothing is kept, every receipt is rolled
back):

    cd ~/frappe-bench/sites
    ../env/bin/python ~/traceability_plus/benchmarks/serial_receipt.py --site mysite.localhost

It times only `submit()`, alternating between an item that ERPNext names itself (Serial No
Series on the item, no rule: the app stays out of the way) and an item named by a
Tracking Naming Rule, and prints each time, the medians and their ratio.
"""

import argparse
import statistics
import time

import frappe

NATIVE_ITEM = "_TP Bench Serial ERPNext"
RULE_ITEM = "_TP Bench Serial Rule"
RULE_NAME = "_TP Bench Serial Rule"
SETTLE_SECONDS = 10


def prepare():
	from erpnext.setup.utils import before_tests

	from traceability_plus.tests.utils import make_item, make_naming_rule, make_test_baseline

	if not frappe.db.a_row_exists("Company"):
		before_tests()
	make_test_baseline()
	make_item(NATIVE_ITEM, has_serial_no=1, serial_no_series="BNAT-.#######")
	make_item(RULE_ITEM, has_serial_no=1)
	make_naming_rule(RULE_NAME, "Serial No", "BR-.YY.JJJ.-.#######", item_code=RULE_ITEM)
	frappe.db.commit()


def time_submit(item_code: str, serials: int) -> float:
	from traceability_plus.tests.utils import bundle_entries, make_purchase_receipt

	receipt = make_purchase_receipt([{"item_code": item_code, "qty": serials}], submit=False)
	started = time.perf_counter()
	receipt.submit()
	elapsed = time.perf_counter() - started
	if len(bundle_entries("Purchase Receipt", receipt.name)) != serials:
		raise RuntimeError(f"{receipt.name} did not create {serials} serial numbers")
	frappe.db.rollback()  # keep the site as it was; the counters roll back too
	# Rolling back 10,000 inserts leaves InnoDB purging in the background; let it finish
	# so it does not land in the next timing.
	time.sleep(SETTLE_SECONDS)
	return elapsed


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--serials", type=int, default=10_000)
	parser.add_argument("--rounds", type=int, default=2)
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		prepare()
		native, by_rule = [], []
		for round_number in range(1, args.rounds + 1):
			native.append(time_submit(NATIVE_ITEM, args.serials))
			by_rule.append(time_submit(RULE_ITEM, args.serials))
			print(
				f"round {round_number}: ERPNext naming {native[-1]:.2f} s, rule naming {by_rule[-1]:.2f} s",
				flush=True,
			)
		native_median, rule_median = statistics.median(native), statistics.median(by_rule)
		print(f"frappe {frappe.__version__}, serials per receipt: {args.serials}")
		print(f"ERPNext naming (rules off): median {native_median:.2f} s")
		print(f"rule naming (rules on):     median {rule_median:.2f} s")
		print(f"ratio rules on / off: {rule_median / native_median:.3f} (target <= 1.10, and < 60 s)")
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
