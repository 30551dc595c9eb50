"""Uninstalling keeps every batch, serial number and stock transaction; installing again works.

This module uninstalls and reinstalls the app on the test site itself, as
`bench uninstall-app` / `install-app` do, and always leaves it installed.
"""

import frappe
from frappe.installer import install_app, remove_app

from traceability_plus.tests.utils import bundle_entries, make_item, make_purchase_receipt, make_test_baseline
from traceability_plus.traceability_setup.compat import IntegrationTestCase
from traceability_plus.traceability_setup.custom_fields import get_custom_fields
from traceability_plus.traceability_setup.desk import (
	ONBOARDING_STEPS,
	REPORTS_IN_STOCK_WORKSPACE,
	workspace_links,
)
from traceability_plus.traceability_setup.permissions import APP_PERMISSIONS

APP = "traceability_plus"
APP_MODULES = ["Traceability Setup", "Stock Tracking", "Recall", "Labels"]


def count_tracking_records() -> dict[str, int]:
	return {
		"Batch": frappe.db.count("Batch"),
		"Serial No": frappe.db.count("Serial No"),
		"Serial and Batch Bundle": frappe.db.count("Serial and Batch Bundle"),
		"Stock Ledger Entry": frappe.db.count("Stock Ledger Entry", {"is_cancelled": 0}),
	}


def custom_field_exists(doctype: str, fieldname: str) -> bool:
	return bool(frappe.db.exists("Custom Field", {"dt": doctype, "fieldname": fieldname}))


def reinstall_in_this_process():
	install_app(APP, set_as_patched=True)
	# Frappe caches the doc_events hooks per process and rebuilt them during the
	# install, before the app was listed as installed; `bench install-app` is a new
	# process and never sees that. Let the other test modules see our hooks again.
	if hasattr(frappe.local, "doc_events_hooks"):
		del frappe.local.doc_events_hooks


class TestUninstallAndReinstall(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(
			"_TP Install Batch Item",
			has_batch_no=1,
			create_new_batch=1,
			batch_number_series="TPIB-.#####",
		)
		make_item("_TP Install Serial Item", has_serial_no=1, serial_no_series="TPIS-.#####")
		self.receipt = make_purchase_receipt(
			[
				{"item_code": "_TP Install Batch Item", "qty": 5},
				{"item_code": "_TP Install Serial Item", "qty": 3},
			]
		)
		entries = bundle_entries("Purchase Receipt", self.receipt.name)
		self.batch_no = next(row.batch_no for row in entries if row.batch_no)
		self.serial_nos = sorted(row.serial_no for row in entries if row.serial_no)
		self.assertEqual(len(self.serial_nos), 3)
		frappe.db.set_value("Batch", self.batch_no, "tp_supplier_lot", "SUPPLIER-LOT-42")
		# Uninstalling drops tables, which commits: make that explicit.
		frappe.db.commit()

	def tearDown(self):
		if APP not in frappe.get_installed_apps():
			reinstall_in_this_process()
		frappe.db.commit()

	def test_uninstall_keeps_stock_data_and_reinstall_restores_the_app(self):
		before = count_tracking_records()
		stock_links = [(row.type, row.label, row.link_to) for row in workspace_links("Stock")]
		ours = {("Link", report, report) for report in REPORTS_IN_STOCK_WORKSPACE}
		self.assertLessEqual(ours, set(stock_links))

		remove_app(APP, yes=True, no_backup=True)

		# The desk is ERPNext's again: no workspace, card, chart or step of ours, and ERPNext's
		# Stock workspace with its own links, in its own order.
		self.assertFalse(frappe.db.exists("Workspace", "Traceability"))
		self.assertFalse(frappe.db.exists("Number Card", {"module": ("in", APP_MODULES)}))
		self.assertFalse(frappe.db.exists("Dashboard Chart", {"module": ("in", APP_MODULES)}))
		self.assertFalse(frappe.db.exists("Module Onboarding", "Traceability"))
		self.assertFalse(frappe.get_all("Onboarding Step", filters={"name": ("in", ONBOARDING_STEPS)}))
		after = workspace_links("Stock")
		self.assertEqual(
			[(r.type, r.label, r.link_to) for r in after], [x for x in stock_links if x not in ours]
		)
		self.assertEqual([row.idx for row in after], list(range(1, len(after) + 1)))

		self.assertNotIn(APP, frappe.get_installed_apps())
		self.assertFalse(frappe.db.exists("DocType", "Traceability Settings"))
		self.assertFalse(frappe.get_all("Module Def", filters={"app_name": APP}))
		for doctype, fields in get_custom_fields().items():
			for field in fields:
				self.assertFalse(custom_field_exists(doctype, field["fieldname"]))
		self.assertEqual(count_tracking_records(), before)
		# ERPNext's own permission rules again: the site had no custom ones before the app.
		for doctype in APP_PERMISSIONS:
			self.assertEqual(frappe.get_all("Custom DocPerm", filters={"parent": doctype}), [], doctype)
		self.assertTrue(frappe.db.exists("Batch", self.batch_no))
		for serial_no in self.serial_nos:
			self.assertTrue(frappe.db.exists("Serial No", serial_no))
		self.assertEqual(frappe.db.get_value("Purchase Receipt", self.receipt.name, "docstatus"), 1)

		reinstall_in_this_process()

		self.assertIn(APP, frappe.get_installed_apps())
		self.assertTrue(frappe.db.exists("DocType", "Traceability Settings"))
		self.assertEqual(
			frappe.db.get_singles_dict("Traceability Settings").get("enforce_single_tracking"), "1"
		)
		for doctype, fields in get_custom_fields().items():
			for field in fields:
				self.assertTrue(custom_field_exists(doctype, field["fieldname"]))
		self.assertEqual(count_tracking_records(), before)
		# Frappe keeps a removed custom field's column, so the supplier lot survived.
		self.assertEqual(frappe.db.get_value("Batch", self.batch_no, "tp_supplier_lot"), "SUPPLIER-LOT-42")
		# The stock posted while the app was away is counted again.
		self.assertEqual(
			frappe.get_all("Batch Warehouse Balance", filters={"batch_no": self.batch_no}, pluck="qty"),
			[5],
		)
		# The roles it serves can read batches again.
		self.assertTrue(
			frappe.db.exists("Custom DocPerm", {"parent": "Batch", "role": "Quality Manager", "read": 1})
		)
		self.assertTrue(frappe.db.exists("Workspace", "Traceability"))
		self.assertEqual(frappe.db.count("Number Card", {"module": ("in", APP_MODULES)}), 5)
		self.assertEqual([(r.type, r.label, r.link_to) for r in workspace_links("Stock")], stock_links)
		# And the app works again: its Item rule is back.
		with self.assertRaises(frappe.ValidationError):
			make_item("_TP Install Both Flags", has_batch_no=1, has_serial_no=1)
