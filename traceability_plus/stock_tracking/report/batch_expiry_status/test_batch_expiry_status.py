"""Batch Expiry Status on real receipts: expired, expiring soon, valid, held and undated
batches, split across warehouses."""

import frappe
from frappe.utils import add_days, getdate, nowdate

from traceability_plus.stock_tracking.holds import hold
from traceability_plus.stock_tracking.report.batch_expiry_status.batch_expiry_status import execute
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	bundle_entries,
	make_item,
	make_purchase_receipt,
	make_stock_entry,
	make_test_baseline,
	make_warehouse,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Expiry Status Item"
UNDATED_ITEM = "_TP Expiry Status Undated"


def receive(item_code, qty, expiry_in_days=None):
	expiry = add_days(nowdate(), expiry_in_days) if expiry_in_days is not None else None
	receipt = make_purchase_receipt([{"item_code": item_code, "qty": qty, "tp_expiry_date": expiry}])
	return bundle_entries("Purchase Receipt", receipt.name)[0].batch_no


class TestBatchExpiryStatus(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		make_item(UNDATED_ITEM, has_batch_no=1, create_new_batch=1)
		self.shop = make_warehouse("Expiry Shop")
		self.expired = receive(ITEM, 5, -3)
		self.soon = receive(ITEM, 6, 10)
		self.valid = receive(ITEM, 7, 200)
		self.held = receive(ITEM, 8, 200)
		self.undated = receive(UNDATED_ITEM, 9)
		hold("Batch", self.held, "Lab check")
		make_stock_entry(
			"Material Transfer",
			[
				{
					"item_code": ITEM,
					"qty": 2,
					"batch_no": self.valid,
					"use_serial_batch_fields": 1,
					"s_warehouse": warehouse(),
					"t_warehouse": self.shop,
				}
			],
		)

	def report(self, **filters):
		_columns, rows, _message, chart, summary = execute({"company": TEST_COMPANY, **filters})
		mine = {self.expired, self.soon, self.valid, self.held, self.undated}
		return [row for row in rows if row["batch_no"] in mine], chart, summary

	def test_one_row_per_batch_and_warehouse_with_status_and_value(self):
		rows, _chart, _summary = self.report(expiring_within_days=None)
		found = {(r["batch_no"], r["warehouse"]): (r["status"], r["qty"], r["days_to_expiry"]) for r in rows}
		self.assertEqual(
			found,
			{
				(self.expired, warehouse()): ("Expired", 5, -3),
				(self.soon, warehouse()): ("Expiring Soon", 6, 10),
				(self.held, warehouse()): ("On Hold", 8, 200),
				(self.valid, self.shop): ("Valid", 2, 200),
				(self.valid, warehouse()): ("Valid", 5, 200),
				(self.undated, warehouse()): ("No Expiry", 9, None),
			},
		)
		# Soonest expiry first, undated last.
		self.assertEqual([r["batch_no"] for r in rows][:2], [self.expired, self.soon])
		self.assertEqual(rows[-1]["batch_no"], self.undated)
		# Received at 10 each.
		self.assertEqual({r["stock_value"] for r in rows if r["batch_no"] == self.valid}, {20, 50})
		self.assertEqual([r["stock_value"] for r in rows if r["batch_no"] == self.held], [80])
		self.assertEqual([r["hold_reason"] for r in rows if r["batch_no"] == self.held], ["Lab check"])
		self.assertEqual(rows[0]["expiry_date"], getdate(add_days(nowdate(), -3)))

	def test_expiring_within_days_keeps_expired_and_soon_only(self):
		rows, chart, summary = self.report(expiring_within_days=30)
		self.assertEqual([r["batch_no"] for r in rows], [self.expired, self.soon])
		self.assertEqual(chart["data"]["labels"][0], "Expired")
		# Stock value, not quantity: 5 units received at 10.
		self.assertGreaterEqual(chart["data"]["datasets"][0]["values"][0], 50)
		self.assertEqual(chart["fieldtype"], "Currency")
		values = {item["label"]: item["value"] for item in summary}
		self.assertGreaterEqual(values["Expired Stock Value"], 50)

	def test_warehouse_and_item_filters(self):
		rows, _chart, _summary = self.report(warehouse=self.shop)
		self.assertEqual([(r["batch_no"], r["qty"]) for r in rows], [(self.valid, 2)])
		rows, _chart, _summary = self.report(item_code=UNDATED_ITEM)
		self.assertEqual([r["batch_no"] for r in rows], [self.undated])

	def test_expiry_filter_goes_by_the_expiry_date_held_or_not(self):
		hold("Batch", self.soon, "Lab check")
		rows, _chart, _summary = self.report(expiry="Expiring Soon")
		self.assertEqual([(r["batch_no"], r["status"]) for r in rows], [(self.soon, "On Hold")])
		rows, _chart, _summary = self.report(expiry="Expired")
		self.assertEqual([r["batch_no"] for r in rows], [self.expired])
		with self.assertRaises(frappe.ValidationError):
			execute({"company": TEST_COMPANY, "expiry": "Soonish"})

	def test_company_is_required(self):
		with self.assertRaises(frappe.ValidationError):
			execute({})
