"""Each role the app serves, on its own as ERPNext ships it, can do its part and no more.

Every test logs in as a user with exactly one role (Stock User, Stock Manager or Quality
Manager) and goes through the desk's own entry points: `query_report.run` for reports,
the whitelisted hold and label functions, `frappe.client.get` for a recall.
"""

import frappe
from frappe.client import get as open_document
from frappe.desk.query_report import run as run_report
from frappe.utils import add_days, nowdate

from traceability_plus.labels.printing import download_labels
from traceability_plus.stock_tracking.holds import hold_stock, release_stock
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	bundle_entries,
	make_item,
	make_naming_rule,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase
from traceability_plus.traceability_setup.permissions import (
	APP_PERMISSIONS,
	grant_app_permissions,
	revoke_app_permissions,
)

BATCH_ITEM = "_TP Roles Batch"
SERIAL_ITEM = "_TP Roles Serial"
ROLES = ("Stock User", "Stock Manager", "Quality Manager")


def one_role_user(role: str) -> str:
	"""A user with exactly `role`, whatever an earlier run left on it."""
	email = "tp.only." + role.lower().replace(" ", ".") + "@example.com"
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": role, "send_welcome_email": 0}
		)
	user.set("roles", [{"role": role}])
	if user.is_new():
		user.insert(ignore_permissions=True)
	else:
		user.save(ignore_permissions=True)
	return email


class TestEveryRoleCanUseTheApp(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(BATCH_ITEM, has_batch_no=1, has_expiry_date=1, shelf_life_in_days=100)
		make_item(SERIAL_ITEM, has_serial_no=1)
		make_naming_rule(BATCH_ITEM, "Batch", "RB-.#####", item_code=BATCH_ITEM)
		make_naming_rule(SERIAL_ITEM, "Serial No", "RS-.#####", item_code=SERIAL_ITEM)
		receipt = make_purchase_receipt(
			[{"item_code": BATCH_ITEM, "qty": 10}, {"item_code": SERIAL_ITEM, "qty": 2}]
		)
		self.batch_no = receipt.items[0].batch_no
		self.serial_no = next(
			row.serial_no for row in bundle_entries("Purchase Receipt", receipt.name) if row.serial_no
		)
		make_selling_voucher(
			"Delivery Note",
			[{"item_code": BATCH_ITEM, "qty": 3, "batch_no": self.batch_no, "use_serial_batch_fields": 1}],
		)
		self.recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"recall_type": "Mock Recall",
				"company": TEST_COMPANY,
				"reason": "Quarterly drill",
				"lots": [{"batch_no": self.batch_no}],
			}
		).insert()

	def tearDown(self):
		frappe.set_user("Administrator")

	def reports_and_filters(self) -> dict[str, dict]:
		company = {"company": TEST_COMPANY}
		return {
			"Recall Trace": {**company, "batch_no": self.batch_no, "direction": "Both"},
			"Batch Expiry Status": company,
			"Batch Stock Balance": {**company, "to_date": nowdate()},
			"Batch Stock Ledger": {**company, "batch_no": self.batch_no},
			"Serial Warranty History": {**company, "serial_no": self.serial_no},
			"Mock Recall Drills": {
				**company,
				"from_date": add_days(nowdate(), -30),
				"to_date": nowdate(),
			},
			"Items Tracked By Batch And Serial": {},
		}

	def test_each_role_runs_every_report_and_sees_the_lot(self):
		for role in ROLES:
			frappe.set_user(one_role_user(role))
			for report, filters in self.reports_and_filters().items():
				with self.subTest(role=role, report=report):
					result = run_report(report, filters=filters)
					self.assertIn("result", result)
			# Not an empty answer: the stock of the lot is there for every role.
			rows = run_report("Batch Stock Ledger", filters=self.reports_and_filters()["Batch Stock Ledger"])
			self.assertTrue(
				[
					row
					for row in rows["result"]
					if isinstance(row, dict) and row.get("batch_no") == self.batch_no
				],
				f"{role} sees no movement of {self.batch_no}",
			)
			frappe.set_user("Administrator")

	def test_stock_and_quality_managers_hold_and_release_a_stock_user_may_not(self):
		for role in ("Stock Manager", "Quality Manager"):
			frappe.set_user(one_role_user(role))
			frappe.get_doc("Batch", self.batch_no).check_permission("read")  # opens the form
			self.assertTrue(hold_stock("Batch", self.batch_no, f"Held by a {role}")["changed"])
			self.assertTrue(release_stock("Batch", self.batch_no, "Checked")["changed"])
			self.assertTrue(hold_stock("Serial No", self.serial_no, f"Held by a {role}")["changed"])
			self.assertTrue(release_stock("Serial No", self.serial_no, "Checked")["changed"])
			frappe.set_user("Administrator")

		frappe.set_user(one_role_user("Stock User"))
		frappe.get_doc("Batch", self.batch_no).check_permission("read")
		with self.assertRaises(frappe.PermissionError) as refused:
			hold_stock("Batch", self.batch_no, "Not mine to hold")
		self.assertIn("Stock Manager", str(refused.exception))
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Batch", self.batch_no, "tp_on_hold"), 0)

	def test_the_form_offers_the_hold_buttons_to_the_roles_that_may_hold(self):
		from frappe.desk.form.load import getdoc

		for role, offered in (("Stock User", False), ("Stock Manager", True), ("Quality Manager", True)):
			frappe.set_user(one_role_user(role))
			for doctype, name in (("Batch", self.batch_no), ("Serial No", self.serial_no)):
				with self.subTest(role=role, doctype=doctype):
					getdoc(doctype, name)  # what the desk calls to open the form
					onload = frappe.response.docs[-1].get("__onload") or {}
					self.assertEqual(bool(onload.get("tp_may_hold")), offered)
			frappe.set_user("Administrator")

	def test_no_role_may_write_a_batch_directly(self):
		for role in ROLES:
			frappe.set_user(one_role_user(role))
			with self.subTest(role=role):
				self.assertFalse(frappe.has_permission("Batch", "write", self.batch_no))
			frappe.set_user("Administrator")

	def test_hold_roles_are_a_setting(self):
		settings = frappe.get_single("Traceability Settings")
		before = [row.role for row in settings.hold_roles]
		self.assertEqual(sorted(before), ["Quality Manager", "Stock Manager"])
		settings.set("hold_roles", [{"role": "Quality Manager"}])
		settings.save()
		try:
			frappe.set_user(one_role_user("Stock Manager"))
			self.assertRaises(frappe.PermissionError, hold_stock, "Batch", self.batch_no, "No longer mine")
		finally:
			frappe.set_user("Administrator")
			settings = frappe.get_single("Traceability Settings")
			settings.set("hold_roles", [{"role": role} for role in before])
			settings.save()

	def test_each_role_prints_labels_and_opens_a_recall(self):
		for role in ROLES:
			frappe.set_user(one_role_user(role))
			with self.subTest(role=role):
				frappe.local.response = frappe._dict()
				download_labels("Batch", self.batch_no)
				self.assertTrue(frappe.local.response.filecontent.startswith(b"%PDF"))
				recall = open_document("Product Recall", self.recall.name)
				self.assertEqual(recall["lots"][0]["batch_no"], self.batch_no)
			frappe.set_user("Administrator")

	def test_quality_manager_owns_product_recall(self):
		frappe.set_user(one_role_user("Quality Manager"))
		for right in ("read", "write", "create", "submit", "cancel"):
			self.assertTrue(frappe.has_permission("Product Recall", right), right)
		frappe.set_user(one_role_user("Stock User"))
		self.assertTrue(frappe.has_permission("Product Recall", "read"))
		self.assertFalse(frappe.has_permission("Product Recall", "submit"))


class TestPermissionsComeAndGoWithTheApp(IntegrationTestCase):
	def test_revoking_leaves_erpnext_rules_as_they_were_and_granting_again_restores_ours(self):
		custom_rules = {
			doctype: sorted(
				(rule.role, rule.read, rule.report)
				for rule in frappe.get_all(
					"Custom DocPerm", filters={"parent": doctype}, fields=["role", "read", "report"]
				)
			)
			for doctype in APP_PERMISSIONS
		}
		try:
			revoke_app_permissions()
			for doctype in APP_PERMISSIONS:
				with self.subTest(doctype=doctype):
					# A fresh site has no custom rules on these: they are ERPNext's own again.
					self.assertFalse(frappe.db.exists("Custom DocPerm", {"parent": doctype}))
			frappe.set_user(one_role_user("Quality Manager"))
			self.assertFalse(frappe.has_permission("Batch", "read"))
		finally:
			frappe.set_user("Administrator")
			grant_app_permissions()
		for doctype, roles in APP_PERMISSIONS.items():
			for role in roles:
				self.assertTrue(
					frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "read": 1}),
					f"{role} on {doctype}",
				)
		self.assertEqual(
			{
				doctype: sorted(
					(rule.role, rule.read, rule.report)
					for rule in frappe.get_all(
						"Custom DocPerm", filters={"parent": doctype}, fields=["role", "read", "report"]
					)
				)
				for doctype in APP_PERMISSIONS
			},
			custom_rules,
		)
