"""Recall Trace on real documents: a supplier lot made into bread, repacked into boxes,
delivered to three customers, partly returned and counted."""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

from traceability_plus.recall.report.recall_trace.recall_trace import execute
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	TEST_SUPPLIER,
	batch_made,
	batch_row,
	bundle_entries,
	make_customer,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_stock_reconciliation,
	make_supplier,
	make_test_baseline,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

SECOND_SUPPLIER = "_TP Yeast Supplier"
SECOND_CUSTOMER = "_TP Trace Customer Two"
THIRD_CUSTOMER = "_TP Trace Customer Three"


def trace_rows(**filters):
	"""Rows, message and the summary's figures by label, the unit of the label left out."""
	_columns, rows, message, _chart, summary = execute({"company": TEST_COMPANY, **filters})
	return rows, message, {item["label"].removesuffix(" (Nos)"): item["value"] for item in summary}


def shape(rows):
	"""What a reader sees on each row: indent, level, movement, voucher, lot, quantity, party."""
	return [
		(
			row["indent"],
			row.get("level"),
			row.get("movement"),
			row.get("voucher_no"),
			row.get("batch_no") or row.get("serial_no"),
			row.get("qty"),
			row.get("party"),
		)
		for row in rows
	]


class TestRecallTrace(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_baseline()
		make_supplier(SECOND_SUPPLIER)
		make_customer(SECOND_CUSTOMER)
		make_customer(THIRD_CUSTOMER)
		for item_code in ("_TP Trace Flour", "_TP Trace Yeast", "_TP Trace Bread", "_TP Trace Box"):
			make_item(item_code, has_batch_no=1, create_new_batch=1)
		make_item("_TP Trace Meter", has_serial_no=1, serial_no_series="TPM-.#####")

	def setUp(self):
		stores = warehouse()
		self.flour_receipt = make_purchase_receipt([{"item_code": "_TP Trace Flour", "qty": 100}])
		self.flour = batch_made(self.flour_receipt, "_TP Trace Flour")
		self.yeast_receipt = make_purchase_receipt(
			[{"item_code": "_TP Trace Yeast", "qty": 10}], supplier=SECOND_SUPPLIER
		)
		self.yeast = batch_made(self.yeast_receipt, "_TP Trace Yeast")

		self.baking = make_stock_entry(
			"Manufacture",
			[
				{**batch_row("_TP Trace Flour", self.flour, 60), "s_warehouse": stores},
				{**batch_row("_TP Trace Yeast", self.yeast, 2), "s_warehouse": stores},
				{"item_code": "_TP Trace Bread", "qty": 50, "t_warehouse": stores, "is_finished_item": 1},
			],
		)
		self.bread = batch_made(self.baking, "_TP Trace Bread")
		self.packing = make_stock_entry(
			"Repack",
			[
				{**batch_row("_TP Trace Bread", self.bread, 20), "s_warehouse": stores},
				{"item_code": "_TP Trace Box", "qty": 4, "t_warehouse": stores, "is_finished_item": 1},
			],
		)
		self.box = batch_made(self.packing, "_TP Trace Box")

		self.flour_issue = make_stock_entry(
			"Material Issue", [{**batch_row("_TP Trace Flour", self.flour, 3), "s_warehouse": stores}]
		)
		self.flour_sale = make_selling_voucher(
			"Delivery Note", [batch_row("_TP Trace Flour", self.flour, 5)], customer=SECOND_CUSTOMER
		)
		self.bread_sale_1 = make_selling_voucher(
			"Delivery Note", [batch_row("_TP Trace Bread", self.bread, 10)]
		)
		self.bread_sale_2 = make_selling_voucher(
			"Delivery Note", [batch_row("_TP Trace Bread", self.bread, 15)], customer=SECOND_CUSTOMER
		)
		self.box_sale = make_selling_voucher(
			"Delivery Note", [batch_row("_TP Trace Box", self.box, 3)], customer=THIRD_CUSTOMER
		)
		bread_return = make_sales_return(self.bread_sale_1.name)
		bread_return.items[0].qty = -2
		bread_return.insert()
		bread_return.submit()
		self.bread_return = bread_return
		# 50 made - 20 repacked - 25 sold + 2 returned = 7 on the shelf; the count finds 6.
		self.bread_count = make_stock_reconciliation([batch_row("_TP Trace Bread", self.bread, 6)])

	def test_forward_from_the_flour_reaches_every_customer_through_manufacture_and_repack(self):
		rows, _message, summary = trace_rows(batch_no=self.flour, direction="Forward")
		self.assertEqual(
			shape(rows),
			[
				(0, 0, "Traced lot", None, self.flour, 32, None),
				(1, None, "Where it went", None, None, None, None),
				(2, 1, "Delivery", self.flour_sale.name, self.flour, -5, SECOND_CUSTOMER),
				(2, 1, "Consumption", self.baking.name, self.flour, -60, None),
				(3, 2, "Production", self.baking.name, self.bread, 50, None),
				(4, 2, "Delivery", self.bread_sale_1.name, self.bread, -10, TEST_CUSTOMER),
				(4, 2, "Delivery", self.bread_sale_2.name, self.bread, -15, SECOND_CUSTOMER),
				(4, 2, "Sales Return", self.bread_return.name, self.bread, 2, TEST_CUSTOMER),
				(4, 2, "Consumption", self.packing.name, self.bread, -20, None),
				(5, 3, "Production", self.packing.name, self.box, 4, None),
				(6, 3, "Delivery", self.box_sale.name, self.box, -3, THIRD_CUSTOMER),
				(4, 2, "Stock Reconciliation", self.bread_count.name, self.bread, -1, None),
				(2, 1, "Consumption", self.flour_issue.name, self.flour, -3, None),
			],
		)
		self.assertEqual(summary["Customers Reached"], 3)
		self.assertEqual(summary["Suppliers Reached"], 0)

	def test_backward_from_the_box_reaches_both_raw_lots_and_their_suppliers(self):
		rows, _message, summary = trace_rows(batch_no=self.box, direction="Backward")
		self.assertEqual(
			shape(rows)[1:],
			[
				(1, None, "Where it came from", None, None, None, None),
				(2, 1, "Production", self.packing.name, self.box, 4, None),
				(3, 2, "Consumption", self.packing.name, self.bread, -20, None),
				(4, 2, "Production", self.baking.name, self.bread, 50, None),
				(5, 3, "Consumption", self.baking.name, self.flour, -60, None),
				(6, 3, "Receipt", self.flour_receipt.name, self.flour, 100, TEST_SUPPLIER),
				(5, 3, "Consumption", self.baking.name, self.yeast, -2, None),
				(6, 3, "Receipt", self.yeast_receipt.name, self.yeast, 10, SECOND_SUPPLIER),
			],
		)
		self.assertEqual(summary["Suppliers Reached"], 2)

	def test_max_depth_stops_at_the_first_transformation(self):
		rows, _message, _summary = trace_rows(batch_no=self.flour, direction="Forward", max_depth=1)
		self.assertEqual({row.get("level") for row in rows[2:]}, {1})

	def test_mass_balance_of_each_lot_adds_up(self):
		_rows, message, summary = trace_rows(batch_no=self.bread)
		# Made 50 = consumed 20 + delivered 25 - returned 2 + on hand 6 + lost in the count 1.
		self.assertEqual(
			[summary[label] for label in ("Received or Produced", "Consumed", "Delivered", "Returned")],
			[50, 20, 25, 2],
		)
		self.assertEqual([summary[label] for label in ("On Hand", "Adjusted", "Other")], [6, 1, 0])
		self.assertEqual(summary["Unexplained Difference"], 0)
		self.assertNotIn("unexplained", message)
		# The sentence reads like the cards: whole numbers whole, each with the lot's unit.
		self.assertIn("received or produced 50 Nos = consumed 20 Nos + delivered 25 Nos", message)
		columns, trace, _message, _chart, cards = execute({"company": TEST_COMPANY, "batch_no": self.bread})
		self.assertIn("Delivered (Nos)", [card["label"] for card in cards])
		# Party right after Movement, and every row's quantity with its unit.
		self.assertEqual([c["fieldname"] for c in columns[:3]], ["movement", "party", "party_type"])
		self.assertEqual({row["stock_uom"] for row in trace if row.get("item_code")}, {"Nos"})

		_rows, _message, flour = trace_rows(batch_no=self.flour)
		self.assertEqual(
			[flour[label] for label in ("Received or Produced", "Consumed", "Delivered", "On Hand")],
			[100, 63, 5, 32],
		)
		self.assertEqual(flour["Unexplained Difference"], 0)

	def test_a_ledger_that_does_not_add_up_shows_its_difference(self):
		# A ledger entry the trace cannot read (booked to another company, as a broken import
		# might leave it) still counts in ERPNext's batch balance: the trace shows the gap.
		frappe.db.set_value(
			"Stock Ledger Entry",
			{"voucher_no": self.flour_issue.name, "is_cancelled": 0},
			"company",
			"_TP Elsewhere",
		)
		_rows, message, summary = trace_rows(batch_no=self.flour)
		self.assertEqual(summary["Unexplained Difference"], 3)
		self.assertIn("unexplained", message)

	def test_a_serial_number_is_traced_to_its_customer(self):
		receipt = make_purchase_receipt([{"item_code": "_TP Trace Meter", "qty": 2}])
		serial_nos = sorted(row.serial_no for row in bundle_entries("Purchase Receipt", receipt.name))
		sale = make_selling_voucher(
			"Delivery Note",
			[
				{
					"item_code": "_TP Trace Meter",
					"qty": 1,
					"serial_no": serial_nos[0],
					"use_serial_batch_fields": 1,
				}
			],
		)
		rows, _message, summary = trace_rows(serial_no=serial_nos[0])
		self.assertEqual(
			shape(rows),
			[
				(0, 0, "Traced lot", None, serial_nos[0], 0, None),
				(1, None, "Where it came from", None, None, None, None),
				(2, 1, "Receipt", receipt.name, serial_nos[0], 1, TEST_SUPPLIER),
				(1, None, "Where it went", None, None, None, None),
				(2, 1, "Delivery", sale.name, serial_nos[0], -1, TEST_CUSTOMER),
			],
		)
		self.assertEqual((summary["Suppliers Reached"], summary["Customers Reached"]), (1, 1))
		self.assertEqual(summary["Unexplained Difference"], 0)

	def test_bad_filters_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			execute({"company": TEST_COMPANY})
		with self.assertRaises(frappe.ValidationError):
			execute({"company": TEST_COMPANY, "batch_no": self.flour, "serial_no": "X"})
		with self.assertRaises(frappe.DoesNotExistError):
			execute({"company": TEST_COMPANY, "batch_no": "_TP no such batch"})
		with self.assertRaises(frappe.ValidationError):
			execute({"company": TEST_COMPANY, "batch_no": self.flour, "max_depth": -1})
