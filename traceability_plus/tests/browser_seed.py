"""Data for the browser suite (tests/browser), on a fresh site with ERPNext and the app.

Run once per site, by scripts/run_tests.py:

    frappe --site <site> execute traceability_plus.tests.browser_seed.seed --kwargs '{"output": "<file>"}'

It completes ERPNext's setup wizard (as `run-tests` does, through `before_tests`) so the
desk does not redirect to it, makes the app's test company, items, stock and parties with
the integration tests' helpers, and writes what it made (batch names, the users and the
numbers the workspace cards must show) as JSON to `output` and to stdout.
"""

import json

import frappe
from frappe.utils import add_days, nowdate

from traceability_plus.recall.doctype.product_recall.product_recall import complete_drill
from traceability_plus.stock_tracking.holds import hold
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	batch_made,
	batch_row,
	before_tests,
	bundle_entries,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	warehouse,
)

LOT_ITEM = "_TP Browser Flour"
PRODUCT_ITEM = "_TP Browser Bread"
SERIAL_ITEM = "_TP Browser Scale"
STOCK_USER = "tp.browser.stockuser@example.com"
STOCK_USER_PASSWORD = "Tp-Browser-Stock-User-2026!"
# Markup in a hold reason: the desk must show it as text, never run it.
HOLD_REASON = "<img src=x onerror=\"document.title='XSS'\">Supplier alert"
DRILL_TIME_TO_TRACE = 125  # seconds, shown by the "Last Drill Time To Trace" card


def receive(item_code: str, qty: float, expiry_in_days: int | None = None) -> str:
	"""A submitted Purchase Receipt of one new batch; the batch's name."""
	expiry = add_days(nowdate(), expiry_in_days) if expiry_in_days is not None else None
	receipt = make_purchase_receipt([{"item_code": item_code, "qty": qty, "tp_expiry_date": expiry}])
	return bundle_entries("Purchase Receipt", receipt.name)[0].batch_no


def make_stock_user() -> str:
	if not frappe.db.exists("User", STOCK_USER):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": STOCK_USER,
				"first_name": "Browser Stock User",
				"send_welcome_email": 0,
				"user_type": "System User",
				"roles": [{"role": "Stock User"}],
			}
		).insert(ignore_permissions=True)
	from frappe.utils.password import update_password

	update_password(STOCK_USER, STOCK_USER_PASSWORD)
	# Lower-case keys: for "Company" Frappe reads User Permissions, then "company".
	frappe.defaults.set_user_default("company", TEST_COMPANY, STOCK_USER)
	frappe.defaults.set_user_default("warehouse", warehouse(), STOCK_USER)
	return STOCK_USER


def use_test_company():
	"""The desk's cards and report filters read the default company: make it the seeded one."""
	global_defaults = frappe.get_single("Global Defaults")
	global_defaults.default_company = TEST_COMPANY
	global_defaults.save(ignore_permissions=True)
	frappe.defaults.set_user_default("company", TEST_COMPANY, "Administrator")


def make_recall(*batches: str, recall_type: str = "Recall", reason: str = "Mould found in the flour"):
	"""A draft Product Recall of these batches (saving it traces it)."""
	return frappe.get_doc(
		{
			"doctype": "Product Recall",
			"recall_type": recall_type,
			"company": TEST_COMPANY,
			"severity": None if recall_type == "Mock Recall" else "Class II",
			"reason": reason,
			"lots": [{"batch_no": batch} for batch in batches],
		}
	).insert(ignore_permissions=True)


def seed(output: str | None = None) -> dict:
	before_tests()
	frappe.set_user("Administrator")
	use_test_company()

	make_item(LOT_ITEM, has_batch_no=1, create_new_batch=1)
	make_item(PRODUCT_ITEM, has_batch_no=1, create_new_batch=1)
	make_item(SERIAL_ITEM, has_serial_no=1, serial_no_series="TPB-SCALE-.#####")

	held = receive(LOT_ITEM, 5)
	hold("Batch", held, HOLD_REASON)
	expiring = receive(LOT_ITEM, 6, 10)
	expired = receive(LOT_ITEM, 4, -3)
	# The lot the browser recalls: part baked into bread (downstream), part sold.
	flour = receive(LOT_ITEM, 20, 200)
	baking = make_stock_entry(
		"Manufacture",
		[
			{**batch_row(LOT_ITEM, flour, 8), "s_warehouse": warehouse()},
			{"item_code": PRODUCT_ITEM, "qty": 4, "t_warehouse": warehouse(), "is_finished_item": 1},
		],
	)
	bread = batch_made(baking, PRODUCT_ITEM)
	delivery = make_selling_voucher("Delivery Note", [batch_row(LOT_ITEM, flour, 3)])
	# A lot already recalled (submitted, open): what the Stock User looks at.
	recalled = receive(LOT_ITEM, 3, 200)
	open_recall = make_recall(recalled, reason="Foreign matter reported")
	open_recall.submit()
	# A completed drill of its own lot, for the drill card.
	drilled = receive(LOT_ITEM, 2, 200)
	drill = make_recall(drilled, recall_type="Mock Recall", reason="Quarterly drill")
	complete_drill(drill.name)
	frappe.db.set_value("Product Recall", drill.name, "time_to_trace", DRILL_TIME_TO_TRACE)
	# The draft the browser traces and submits.
	draft_recall = make_recall(flour)

	serial_receipt = make_purchase_receipt([{"item_code": SERIAL_ITEM, "qty": 2}])
	serial_no = bundle_entries("Purchase Receipt", serial_receipt.name)[0].serial_no

	make_stock_user()
	# The suite logs each user in several times (the /login page and every test's context):
	# none of those logins may end another's session.
	for user in ("Administrator", STOCK_USER):
		frappe.db.set_value("User", user, "simultaneous_sessions", 50)
	frappe.db.commit()

	label_template = frappe.db.get_single_value("Traceability Settings", "default_label_template")
	data = {
		"company": TEST_COMPANY,
		"customer": TEST_CUSTOMER,
		"warehouse": warehouse(),
		"item": LOT_ITEM,
		"product_item": PRODUCT_ITEM,
		"serial_item": SERIAL_ITEM,
		"batches": {
			"held": held,
			"expiring": expiring,
			"expired": expired,
			"recall_start": flour,
			"downstream": bread,
			"recalled": recalled,
			"drilled": drilled,
		},
		"hold_reason": HOLD_REASON,
		"serial_no": serial_no,
		"purchase_receipt": serial_receipt.name,
		"delivery_note": delivery.name,
		"stock_entry": baking.name,
		"open_recall": open_recall.name,
		"draft_recall": draft_recall.name,
		"drill": drill.name,
		"label_template": label_template,
		"stock_user": {"user": STOCK_USER, "password": STOCK_USER_PASSWORD},
		# What the workspace cards must show before the browser submits the draft recall.
		"cards": {
			"Batches On Hold": 2,  # the held lot and the one the open recall held
			"Batches Expiring Soon": 1,
			"Expired Batches In Stock": 1,
			"Open Recalls": 1,
			"Last Drill Time To Trace": DRILL_TIME_TO_TRACE,
		},
	}
	text = json.dumps(data, indent=1, default=str)
	if output:
		with open(output, "w") as file:
			file.write(text + "\n")
	print(text)
	return data
