# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe

from traceability_plus.tests.utils import make_item, make_test_baseline, traceability_settings
from traceability_plus.traceability_setup.compat import IntegrationTestCase
from traceability_plus.traceability_setup.custom_fields import get_custom_fields


class TestTraceabilitySettings(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_baseline()

	def test_install_created_settings_with_defaults_and_custom_fields(self):
		for module in ("Traceability Setup", "Stock Tracking", "Recall", "Labels"):
			self.assertTrue(frappe.db.exists("Module Def", module), module)
		# The default is stored, not merely implied by the doctype.
		stored = frappe.db.get_singles_dict("Traceability Settings")
		self.assertEqual(stored.get("enforce_single_tracking"), "1")
		for doctype, fields in get_custom_fields().items():
			for field in fields:
				self.assertTrue(
					frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]}),
					f"{doctype}.{field['fieldname']} missing",
				)
				self.assertTrue(frappe.get_meta(doctype).has_field(field["fieldname"]))

	def test_item_with_batch_and_serial_is_refused_and_not_saved(self):
		item = frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": "_TP Both Flags",
				"item_group": "_TP Test Items",
				"stock_uom": "Nos",
				"has_batch_no": 1,
				"has_serial_no": 1,
			}
		)
		with self.assertRaises(frappe.ValidationError) as refused:
			item.insert()
		message = str(refused.exception)
		self.assertIn("_TP Both Flags", message)
		self.assertIn("Choose one", message)
		self.assertFalse(frappe.db.exists("Item", "_TP Both Flags"))

	def test_item_with_one_flag_is_accepted(self):
		self.assertTrue(make_item("_TP Batch Only", has_batch_no=1).has_batch_no)
		self.assertTrue(make_item("_TP Serial Only", has_serial_no=1).has_serial_no)

	def test_existing_item_cannot_gain_the_second_flag(self):
		item = make_item("_TP Gains Serial", has_batch_no=1)
		item.has_serial_no = 1
		self.assertRaises(frappe.ValidationError, item.save)
		self.assertEqual(frappe.db.get_value("Item", item.name, "has_serial_no"), 0)

	def test_switch_off_allows_both(self):
		with traceability_settings(enforce_single_tracking=0):
			item = make_item("_TP Both Allowed", has_batch_no=1, has_serial_no=1)
		self.assertTrue(item.has_batch_no and item.has_serial_no)

	def test_item_that_already_had_both_keeps_working_and_is_listed(self):
		from traceability_plus.stock_tracking.report.items_tracked_by_batch_and_serial.items_tracked_by_batch_and_serial import (
			execute,
		)

		with traceability_settings(enforce_single_tracking=0):
			legacy = make_item("_TP Legacy Both", has_batch_no=1, has_serial_no=1)
		make_item("_TP Legacy Batch", has_batch_no=1)

		legacy.description = "edited after the rule was switched on"
		legacy.save()
		self.assertEqual(frappe.db.get_value("Item", legacy.name, "description"), legacy.description)

		columns, data, message = execute({})
		listed = {row["item_code"]: row for row in data}
		self.assertIn("_TP Legacy Both", listed)
		self.assertNotIn("_TP Legacy Batch", listed)
		self.assertEqual(listed["_TP Legacy Both"]["stock_ledger_entries"], 0)
		self.assertIn("untick", listed["_TP Legacy Both"]["how_to_fix"])
		self.assertIn("item_code", [column["fieldname"] for column in columns])
		self.assertTrue(message)

		# Fixing it is one untick away while no stock has moved.
		legacy.has_serial_no = 0
		legacy.save()
		self.assertNotIn("_TP Legacy Both", {row["item_code"] for row in execute({})[1]})
