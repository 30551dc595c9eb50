"""The batch-or-serial rule holds for items created through the REST API."""

import frappe
from frappe.tests.test_api import FrappeAPITestCase

from traceability_plus.tests.utils import TEST_ITEM_GROUP, make_test_baseline


class TestItemRuleOverRestApi(FrappeAPITestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_baseline()
		# The request is served on its own database connection: it must see the baseline.
		frappe.db.commit()

	def post_item(self, item_code: str, **flags):
		return self.post(
			self.resource("Item"),
			{
				"item_code": item_code,
				"item_group": TEST_ITEM_GROUP,
				"stock_uom": "Nos",
				**flags,
				"sid": self.sid,
			},
		)

	def test_rest_insert_with_batch_and_serial_is_refused(self):
		response = self.post_item("_TP REST Both", has_batch_no=1, has_serial_no=1)
		self.assertEqual(response.status_code, 417)
		self.assertIn("_TP REST Both", response.get_data(as_text=True))
		frappe.db.commit()  # a new snapshot, to see what the request's connection wrote
		self.assertFalse(frappe.db.exists("Item", "_TP REST Both"))

	def test_rest_insert_with_one_flag_is_accepted(self):
		item_code = f"_TP REST Batch {frappe.generate_hash(length=6)}"
		response = self.post_item(item_code, has_batch_no=1)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True))
		frappe.db.commit()  # a new snapshot, to see what the request's connection wrote
		self.assertEqual(frappe.db.get_value("Item", item_code, "has_batch_no"), 1)
