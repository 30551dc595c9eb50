"""Security finding 4: a hold is lifted, placed or rewritten only through Put On Hold /
Release Hold, and every hold and release stays in a history nobody edits.

The least-privileged role that could write a Batch's hold fields directly is an Item
Manager (ERPNext gives it write on Batch); a Stock Manager holds stock but may not lift a
recall's hold unless Traceability Settings name its role.
"""

import frappe
from frappe.client import set_value as client_set_value
from frappe.desk.form.load import getdoc

from traceability_plus.stock_tracking.holds import hold, hold_stock, release_stock
from traceability_plus.tests.utils import (
	batch_made,
	make_item,
	make_purchase_receipt,
	make_test_baseline,
	make_user,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Hold Fields Batch"
ITEM_MANAGER = "tp.holdfields.itemmanager@example.com"
STOCK_MANAGER = "tp.holdfields.stockmanager@example.com"
QUALITY_MANAGER = "tp.holdfields.quality@example.com"


class TestHoldFieldsChangeOnlyThroughHolds(IntegrationTestCase):
	def setUp(self):
		# Also when setUp fails half-way, when tearDown is not run.
		self.addCleanup(frappe.set_user, "Administrator")
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		make_user(ITEM_MANAGER, "Item Manager")
		make_user(STOCK_MANAGER, "Stock Manager")
		make_user(QUALITY_MANAGER, "Quality Manager")
		self.batch_no = batch_made(make_purchase_receipt([{"item_code": ITEM, "qty": 10}]), ITEM)
		# Placed by a recall: the reference names the document that holds it.
		hold("Batch", self.batch_no, "Recall RCL-TEST", "Item", ITEM)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_set_value_and_save_cannot_lift_or_forge_a_hold(self):
		frappe.set_user(ITEM_MANAGER)
		for field, value in (
			("tp_on_hold", 0),
			("tp_held_by", STOCK_MANAGER),
			("tp_hold_reason", "Nothing wrong"),
			("tp_hold_reference_name", None),
		):
			with self.assertRaises(frappe.PermissionError):
				client_set_value("Batch", self.batch_no, field, value)
		# A whole save, as Data Import and the REST API do it.
		batch = frappe.get_doc("Batch", self.batch_no)
		batch.tp_on_hold = 0
		self.assertRaises(frappe.PermissionError, batch.save)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Batch", self.batch_no, "tp_on_hold"), 1)

		# A new batch cannot be imported already held, nor a saved one un-held by its form.
		new = frappe.get_doc({"doctype": "Batch", "item": ITEM, "batch_id": "_TP-HF-NEW", "tp_on_hold": 1})
		self.assertRaises(frappe.PermissionError, new.insert, ignore_permissions=True)
		# Other fields still save: the guard looks at the hold fields only.
		batch = frappe.get_doc("Batch", self.batch_no)
		batch.description = "Checked shelf 4"
		batch.save(ignore_permissions=True)

	def test_a_recall_hold_is_released_only_by_the_roles_named_for_it(self):
		frappe.set_user(STOCK_MANAGER)
		with self.assertRaises(frappe.PermissionError):
			release_stock("Batch", self.batch_no, "Looks fine")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Batch", self.batch_no, "tp_on_hold"), 1)

		frappe.set_user(QUALITY_MANAGER)  # the default role for a recall's hold
		self.assertTrue(release_stock("Batch", self.batch_no, "Lab cleared the lot")["changed"])
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Batch", self.batch_no, "tp_on_hold"), 0)

	def test_every_hold_and_release_is_kept_and_shown_and_cannot_be_changed(self):
		frappe.set_user(QUALITY_MANAGER)
		release_stock("Batch", self.batch_no, "Lab cleared the lot")
		hold_stock("Batch", self.batch_no, "Second complaint")
		frappe.set_user(STOCK_MANAGER)
		getdoc("Batch", self.batch_no)
		history = frappe.response.docs[-1].get("__onload")["tp_hold_history"]
		frappe.set_user("Administrator")
		self.assertEqual(
			[(event.action, event.reason, event.user) for event in history],
			[
				("Hold", "Second complaint", QUALITY_MANAGER),
				("Release", "Lab cleared the lot", QUALITY_MANAGER),
				("Hold", "Recall RCL-TEST", "Administrator"),
			],
		)
		self.assertEqual((history[1].reference_doctype, history[1].reference_name), ("Item", ITEM))

		entry = frappe.get_last_doc("Traceability Hold Log", filters={"held_name": self.batch_no})
		entry.reason = "Rewritten"
		self.assertRaises(frappe.ValidationError, entry.save, ignore_permissions=True)
		self.assertRaises(frappe.ValidationError, entry.delete, ignore_permissions=True)
		frappe.set_user(QUALITY_MANAGER)
		self.assertFalse(frappe.has_permission("Traceability Hold Log", "write"))
		self.assertFalse(frappe.has_permission("Traceability Hold Log", "delete"))
