"""Patch v1_1: a recall traced by 1.0 (one total, no Quantities By Unit) gets its units."""

import frappe

from traceability_plus.patches.v1_1.fill_recall_quantities_by_unit import execute as fill_quantities
from traceability_plus.recall.doctype.product_recall.test_product_recall import (
	ALICE,
	make_customer_with_contact,
	make_recall,
	table,
)
from traceability_plus.tests.utils import (
	batch_made,
	batch_row,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

OIL = "_TP Patch Oil"


class TestFillRecallQuantities(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_customer_with_contact(ALICE, "alice@recall.example.com")
		make_item(OIL, has_batch_no=1, create_new_batch=1, stock_uom="Litre")
		self.oil = batch_made(make_purchase_receipt([{"item_code": OIL, "qty": 20}]), OIL)
		make_selling_voucher("Delivery Note", [batch_row(OIL, self.oil, 8)], customer=ALICE)

	def test_a_recall_of_1_0_gets_its_units_and_its_effectiveness_again(self):
		recall = make_recall(self.oil, submit=True)
		# What 1.0 left: the totals, no rows per unit, no effectiveness yet.
		frappe.db.delete("Product Recall Quantity", {"parent": recall.name})
		frappe.db.set_value("Product Recall Customer", {"parent": recall.name}, "shipped_by_unit", None)
		frappe.db.set_value("Product Recall", recall.name, "effectiveness", 0)

		fill_quantities()
		fill_quantities()  # a second run changes nothing

		recall.reload()
		self.assertEqual(
			table(recall, "quantities", "stock_uom", "qty_shipped", "qty_on_hand", "held_qty"),
			[("Litre", 8, 12, 12)],
		)
		self.assertEqual((recall.qty_shipped, recall.held_qty), (8, 12))
		self.assertEqual(table(recall, "customers", "customer", "shipped_by_unit"), [(ALICE, "8 Litre")])
		# 12 held of 8 shipped + 12 held.
		self.assertEqual(recall.effectiveness, 60)
