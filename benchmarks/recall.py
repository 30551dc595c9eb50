"""Benchmark: Trace + snapshot of a Product Recall whose lot reached 1,000 customers.

Run it with the bench's Python from the bench's sites folder, on a site of its own with
ERPNext and Traceability Plus installed (it seeds data there and keeps it):

    cd ~/frappe-bench/sites
    ../env/bin/python ~/traceability_plus/benchmarks/recall.py --site recall-bench.localhost

The first run seeds, with real documents: a flour lot received from a supplier, baked into
one bread lot (Manufacture), and one Delivery Note of that bread to each of N customers,
each customer with a primary contact (email, phone) and address. It takes a few minutes
and commits as it goes, so an interrupted run resumes. Later runs reuse the data.

Then it traces the flour lot, as a Product Recall does when it is saved, and prints per
round: the walk through the ledger, the snapshot built from it (stock, mass balances,
contacts), and the whole save of the recall with its snapshot rows (the headline figure:
what a user waits for). Every recall is rolled back. Last, it times drafting the customer
notices that submitting such a recall starts in the background (target: 1,000 in under
3 s, one Communication each), and the save of the recall with their status that follows.
"""

import argparse
import statistics
import time

import frappe

FLOUR = "_TP Bench Recall Flour"
BREAD = "_TP Bench Recall Bread"
CUSTOMER_PREFIX = "_TP Bench Recall Customer"


def prepare(customers: int) -> str:
	"""Seed what is missing; the flour batch to trace."""
	from erpnext.setup.utils import before_tests

	from traceability_plus.tests.utils import (
		batch_made,
		batch_row,
		make_item,
		make_purchase_receipt,
		make_test_baseline,
	)

	if not frappe.db.a_row_exists("Company"):
		before_tests()
	make_test_baseline()
	make_item(FLOUR, has_batch_no=1, create_new_batch=1)
	make_item(BREAD, has_batch_no=1, create_new_batch=1)
	flour = frappe.db.get_value("Batch", {"item": FLOUR}, "name", order_by="creation asc")
	bread = frappe.db.get_value("Batch", {"item": BREAD}, "name", order_by="creation asc")
	if not bread:
		receipt = make_purchase_receipt(
			[{"item_code": FLOUR, "qty": customers, "tp_supplier_lot": "BENCH-MILL-1"}]
		)
		flour = batch_made(receipt, FLOUR)
		bread = batch_made(bake(flour, None, customers), BREAD)
		frappe.db.commit()
	missing = customers - len(delivered_customers()) - (frappe.db.get_value("Batch", bread, "batch_qty") or 0)
	if missing > 0:  # a bigger run than the last one: more of the same flour, into the same bread
		make_purchase_receipt([batch_row(FLOUR, flour, missing)])
		bake(flour, bread, missing)
		frappe.db.commit()
	deliver_to_customers(bread, customers)
	return flour


def bake(flour: str, bread: str | None, qty: float):
	from traceability_plus.tests.utils import batch_row, make_stock_entry, warehouse

	made = batch_row(BREAD, bread, qty) if bread else {"item_code": BREAD, "qty": qty}
	return make_stock_entry(
		"Manufacture",
		[
			{**batch_row(FLOUR, flour, qty), "s_warehouse": warehouse()},
			{**made, "t_warehouse": warehouse(), "is_finished_item": 1},
		],
	)


def delivered_customers() -> set[str]:
	from traceability_plus.tests.utils import TEST_COMPANY

	return set(
		frappe.get_all(
			"Delivery Note",
			filters={"company": TEST_COMPANY, "docstatus": 1, "customer": ("like", f"{CUSTOMER_PREFIX}%")},
			pluck="customer",
		)
	)


def deliver_to_customers(bread: str, customers: int):
	from traceability_plus.tests.utils import batch_row, make_selling_voucher

	delivered = delivered_customers()
	started = time.perf_counter()
	for number in range(1, customers + 1):
		customer = f"{CUSTOMER_PREFIX} {number:04d}"
		if customer in delivered:
			continue
		make_customer(customer, number)
		make_selling_voucher("Delivery Note", [batch_row(BREAD, bread, 1)], customer=customer)
		if number % 100 == 0:
			frappe.db.commit()
			print(f"seeded {number} customers ({time.perf_counter() - started:.0f} s)", flush=True)
	frappe.db.commit()


def make_customer(name: str, number: int):
	if frappe.db.exists("Customer", name):
		return
	frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": name,
			"customer_type": "Company",
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}),
			"email_id": f"buyer{number:04d}@bench.example.com",
			"mobile_no": f"+1 555 {number:04d}",
			"address_line1": f"{number} Bench Street",
			"city": "Springfield",
			"country": "United States",
		}
	).insert(ignore_permissions=True)


def new_recall(flour: str):
	from traceability_plus.tests.utils import TEST_COMPANY

	recall = frappe.get_doc(
		{
			"doctype": "Product Recall",
			"recall_type": "Recall",
			"severity": "Class I",
			"company": TEST_COMPANY,
			"reason": "Benchmark",
			"lots": [{"batch_no": flour}],
		}
	)
	# As the background job does: build the snapshot in this process, whatever its size.
	recall.flags.in_trace_job = True
	return recall


def time_round(flour: str) -> tuple[float, float, float, int]:
	from traceability_plus.core.recall import BATCH
	from traceability_plus.recall.snapshot import RecallTrace, build_snapshot
	from traceability_plus.tests.utils import TEST_COMPANY

	start = {(FLOUR, flour): BATCH}
	started = time.perf_counter()
	traced = RecallTrace(TEST_COMPANY, start)
	walked = time.perf_counter()
	build_snapshot(traced)
	built = time.perf_counter()

	recall = new_recall(flour)
	saving = time.perf_counter()
	recall.insert()
	saved = time.perf_counter()
	customers = len(recall.customers)
	frappe.db.rollback()
	return walked - started, built - walked, saved - saving, customers


def time_notices(flour: str) -> tuple[float, float, int, int]:
	"""Drafting every customer's notice, and saving the recall with their status, as the
	background job on submit does; rolled back."""
	from traceability_plus.recall.notices import draft_notifications

	recall = new_recall(flour).insert()
	started = time.perf_counter()
	draft_notifications(recall)
	drafted_in = time.perf_counter() - started
	drafted = sum(1 for row in recall.customers if row.notification)
	recall.flags.recall_action = True
	started = time.perf_counter()
	recall.save()
	saved_in = time.perf_counter() - started
	communications = frappe.db.count("Communication", {"reference_name": recall.name})
	frappe.db.rollback()
	return drafted_in, saved_in, drafted, communications


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--customers", type=int, default=1000)
	parser.add_argument("--rounds", type=int, default=3)
	args = parser.parse_args()

	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		flour = prepare(args.customers)
		walks, snapshots, saves = [], [], []
		for round_number in range(1, args.rounds + 1):
			walk, snapshot, save, customers = time_round(flour)
			walks.append(walk)
			snapshots.append(snapshot)
			saves.append(save)
			print(
				f"round {round_number}: walk {walk:.2f} s, snapshot {snapshot:.2f} s, "
				f"save with trace + snapshot {save:.2f} s ({customers} customers)",
				flush=True,
			)
		notices, saved, drafted, communications = time_notices(flour)
		ledger = frappe.db.count("Stock Ledger Entry", {"is_cancelled": 0})
		print(f"frappe {frappe.__version__}, stock ledger entries on the site: {ledger}")
		print(f"customers reached: {customers}")
		print(f"walk (trace both ways):           median {statistics.median(walks):.2f} s")
		print(f"snapshot (stock, balances, contacts): median {statistics.median(snapshots):.2f} s")
		print(f"Trace + snapshot, saved:          median {statistics.median(saves):.2f} s (target < 5 s)")
		print(
			f"drafting {drafted} customer notices (background job on submit): {notices:.2f} s "
			f"(target < 3 s), {communications} Communications; then saving the recall: {saved:.2f} s"
		)
	finally:
		frappe.destroy()


if __name__ == "__main__":
	main()
