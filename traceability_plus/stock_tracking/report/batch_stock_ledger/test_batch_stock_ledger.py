"""Batch Stock Ledger: a batch's movements in date order with a running balance per warehouse."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from traceability_plus.stock_tracking.report.batch_stock_ledger.batch_stock_ledger import execute
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	TEST_SUPPLIER,
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

ITEM = "_TP Ledger Item"


class TestBatchStockLedger(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		self.shop = make_warehouse("Ledger Shop")
		self.receipt = make_purchase_receipt(
			[{"item_code": ITEM, "qty": 10}], posting_date=add_days(nowdate(), -3)
		)
		self.batch = batch_made(self.receipt, ITEM)
		self.transfer = make_stock_entry(
			"Material Transfer",
			[batch_row(ITEM, self.batch, 4, s_warehouse=warehouse(), t_warehouse=self.shop)],
			posting_date=add_days(nowdate(), -2),
		)
		self.sale = make_selling_voucher("Delivery Note", [batch_row(ITEM, self.batch, 3)])

	def test_every_movement_with_running_balance_per_warehouse(self):
		_columns, rows = execute({"company": TEST_COMPANY, "batch_no": self.batch})
		self.assertEqual(
			[
				(
					r["movement"],
					r["voucher_no"],
					r["warehouse"],
					r["in_qty"],
					r["out_qty"],
					r["balance_qty"],
					r["party"],
				)
				for r in rows
			],
			[
				("Receipt", self.receipt.name, warehouse(), 10, 0, 10, TEST_SUPPLIER),
				("Transfer", self.transfer.name, warehouse(), 0, 4, 6, None),
				("Transfer", self.transfer.name, self.shop, 4, 0, 4, None),
				("Delivery", self.sale.name, warehouse(), 0, 3, 3, TEST_CUSTOMER),
			],
		)

	def test_from_date_opens_with_the_balance_of_each_warehouse(self):
		_columns, rows = execute(
			{"company": TEST_COMPANY, "batch_no": self.batch, "from_date": add_days(nowdate(), -1)}
		)
		self.assertEqual(
			[(r["movement"], r["warehouse"], r["balance_qty"]) for r in rows],
			[("Opening", self.shop, 4), ("Opening", warehouse(), 6), ("Delivery", warehouse(), 3)],
		)
		self.assertEqual(rows[0]["posting_date"], getdate(add_days(nowdate(), -1)))
		self.assertEqual({r["stock_uom"] for r in rows}, {"Nos"})  # each quantity with its unit

	def test_batch_is_required(self):
		with self.assertRaises(frappe.ValidationError):
			execute({"company": TEST_COMPANY})
