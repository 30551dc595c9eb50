"""Batch Stock Balance on a date, and only in the warehouses the user may see; a past
date's balances from the kept table equal the ledger's sum up to that date."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from traceability_plus.stock_tracking.batch_stock import batch_balances
from traceability_plus.stock_tracking.batch_warehouse_balance import balances_from_start, kept_balances_on
from traceability_plus.stock_tracking.report.batch_stock_balance.batch_stock_balance import execute
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	batch_made,
	batch_row,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_test_baseline,
	make_warehouse,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Balance Item"
RESTRICTED_USER = "tp-balance-viewer@example.com"


def by_pair(rows) -> dict[tuple[str, str], tuple[float, float]]:
	"""(quantity, value) of each batch and warehouse, from report rows (dicts) or balances."""
	rows = [row if hasattr(row, "batch_no") else frappe._dict(row) for row in rows]
	return {(row.batch_no, row.warehouse): (round(row.qty, 6), round(row.stock_value, 4)) for row in rows}


def balances(batch_no, **filters):
	_columns, rows = execute({"company": TEST_COMPANY, "batch_no": batch_no, **filters})
	return [(row["warehouse"], row["qty"]) for row in rows]


class TestBatchStockBalance(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		self.shop = make_warehouse("Balance Shop")
		receipt = make_purchase_receipt(
			[{"item_code": ITEM, "qty": 10}], posting_date=add_days(nowdate(), -10)
		)
		self.batch = batch_made(receipt, ITEM)
		make_stock_entry(
			"Material Transfer",
			[batch_row(ITEM, self.batch, 4, s_warehouse=warehouse(), t_warehouse=self.shop)],
			posting_date=add_days(nowdate(), -5),
		)
		make_selling_voucher("Delivery Note", [batch_row(ITEM, self.batch, 3)])

	def test_balance_on_each_date(self):
		self.assertEqual(balances(self.batch, to_date=add_days(nowdate(), -7)), [(warehouse(), 10)])
		self.assertEqual(
			balances(self.batch, to_date=add_days(nowdate(), -1)), [(self.shop, 4), (warehouse(), 6)]
		)
		self.assertEqual(balances(self.batch, to_date=nowdate()), [(self.shop, 4), (warehouse(), 3)])

	def test_expiry_and_hold_are_shown(self):
		from traceability_plus.stock_tracking.holds import hold

		frappe.db.set_value("Batch", self.batch, "expiry_date", add_days(nowdate(), -1))
		hold("Batch", self.batch, "Expired")
		_columns, rows = execute({"company": TEST_COMPANY, "batch_no": self.batch})
		self.assertEqual(
			{(r["expiry_status"], r["on_hold"], r["hold_reason"]) for r in rows}, {("Expired", 1, "Expired")}
		)

	def test_a_user_sees_only_the_warehouses_permitted_to_them(self):
		if not frappe.db.exists("User", RESTRICTED_USER):
			user = frappe.get_doc(
				{
					"doctype": "User",
					"email": RESTRICTED_USER,
					"first_name": "Balance",
					"send_welcome_email": 0,
				}
			).insert(ignore_permissions=True)
			user.add_roles("Stock User")
		if not frappe.db.exists("User Permission", {"user": RESTRICTED_USER, "allow": "Warehouse"}):
			frappe.get_doc(
				{
					"doctype": "User Permission",
					"user": RESTRICTED_USER,
					"allow": "Warehouse",
					"for_value": self.shop,
				}
			).insert(ignore_permissions=True)
		frappe.set_user(RESTRICTED_USER)
		try:
			self.assertEqual(balances(self.batch), [(self.shop, 4)])
		finally:
			frappe.set_user("Administrator")


class TestBalanceOnAPastDate(IntegrationTestCase):
	def test_the_kept_balances_less_what_came_after_equal_the_ledger_on_every_date(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		shop = make_warehouse("Balance Shop")
		first = batch_made(
			# More than a month back, so that the kept months are read as well as the ledger.
			make_purchase_receipt([{"item_code": ITEM, "qty": 10}], posting_date=add_days(nowdate(), -40)),
			ITEM,
		)
		make_stock_entry(
			"Material Transfer",
			[batch_row(ITEM, first, 4, s_warehouse=warehouse(), t_warehouse=shop)],
			posting_date=add_days(nowdate(), -5),
		)
		make_selling_voucher("Delivery Note", [batch_row(ITEM, first, 3)])
		reposts = frappe.db.count("Repost Item Valuation", {"status": "Completed"})
		# Back-dated, before the transfer, at another rate: ERPNext reposts what came after.
		make_purchase_receipt([batch_row(ITEM, first, 5, rate=16)], posting_date=add_days(nowdate(), -7))
		second = batch_made(
			make_purchase_receipt([{"item_code": ITEM, "qty": 8}], posting_date=add_days(nowdate(), -6)), ITEM
		)
		make_selling_voucher(
			"Delivery Note", [batch_row(ITEM, second, 2)], posting_date=add_days(nowdate(), -4)
		).cancel()
		make_selling_voucher(
			"Delivery Note", [batch_row(ITEM, second, 3)], posting_date=add_days(nowdate(), -2)
		)
		self.assertGreater(frappe.db.count("Repost Item Valuation", {"status": "Completed"}), reposts)

		for days in range(-45, 2):
			on_date = add_days(nowdate(), days)
			ledger = by_pair(batch_balances(TEST_COMPANY, to_date=on_date, item_codes=[ITEM]))
			kept = by_pair(kept_balances_on(TEST_COMPANY, getdate(on_date), item_codes=[ITEM]))
			self.assertEqual(kept, ledger, on_date)
			from_start = by_pair(balances_from_start(TEST_COMPANY, getdate(on_date), item_codes=[ITEM]))
			self.assertEqual(from_start, ledger, on_date)
			_columns, rows = execute({"company": TEST_COMPANY, "item_code": ITEM, "to_date": on_date})
			self.assertEqual(by_pair(rows), ledger, on_date)
		# Known figures, so that two empty answers cannot pass: before and after the back-dated receipt.
		on = {
			days: by_pair(
				kept_balances_on(TEST_COMPANY, getdate(add_days(nowdate(), days)), item_codes=[ITEM])
			)
			for days in (-8, -3)
		}
		self.assertEqual(on[-8][first, warehouse()], (10, 100))
		self.assertEqual(on[-3][first, warehouse()][0], 11)  # 10 + 5 - 4
		self.assertEqual(on[-3][first, shop][0], 4)
		self.assertEqual(on[-3][second, warehouse()], (8, 80))  # the delivery of 2 was cancelled
