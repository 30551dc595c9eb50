"""Security finding 1: a hold reason is user text, and no page, report, email or timeline
runs it as HTML.

The least-privileged role that writes a hold reason is a Stock Manager (one of the roles
that hold stock); a Quality Manager writes a recall's reason, which becomes the hold
reason of every lot the recall holds.
"""

import frappe
from frappe.client import submit as client_submit

from traceability_plus.recall.doctype.product_recall.test_product_recall import (
	make_customer_with_contact,
)
from traceability_plus.stock_tracking.holds import hold, hold_stock
from traceability_plus.stock_tracking.report.batch_expiry_status.batch_expiry_status import (
	execute as batch_expiry_status,
)
from traceability_plus.stock_tracking.report.batch_stock_balance.batch_stock_balance import (
	execute as batch_stock_balance,
)
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	batch_made,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
	make_user,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP XSS Batch"
CUSTOMER = "_TP XSS Customer"
SCRIPT = "Supplier alert <img src=x onerror=\"document.title='XSS'\">"
STOCK_MANAGER = "tp.xss.stockmanager@example.com"
QUALITY_MANAGER = "tp.xss.quality@example.com"


def runs_script(html: str | None) -> bool:
	"""Whether the text, placed in a page as HTML, carries an element with an event handler."""
	return "onerror" in (html or "") and "<img" in (html or "")


class TestHoldReasonIsText(IntegrationTestCase):
	def setUp(self):
		# Also when setUp fails half-way, when tearDown is not run.
		self.addCleanup(frappe.set_user, "Administrator")
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1, has_expiry_date=1, shelf_life_in_days=100)
		make_user(STOCK_MANAGER, "Stock Manager")
		make_user(QUALITY_MANAGER, "Quality Manager")
		self.batch_no = batch_made(make_purchase_receipt([{"item_code": ITEM, "qty": 10}]), ITEM)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_reason_typed_by_a_stock_manager_is_stored_clean_and_shown_escaped(self):
		frappe.set_user(STOCK_MANAGER)
		hold_stock("Batch", self.batch_no, SCRIPT)
		frappe.set_user("Administrator")

		stored = frappe.db.get_value("Batch", self.batch_no, "tp_hold_reason")
		self.assertFalse(runs_script(stored), stored)
		self.assertIn("Supplier alert", stored)
		logged = frappe.get_all("Traceability Hold Log", filters={"held_name": self.batch_no}, pluck="reason")
		self.assertTrue(logged and not any(runs_script(reason) for reason in logged))
		timeline = frappe.get_all(
			"Comment", filters={"reference_name": self.batch_no, "comment_type": "Info"}, pluck="content"
		)
		self.assertFalse(any("<img" in text for text in timeline), timeline)

		for report, result in (
			(
				"Batch Stock Balance",
				batch_stock_balance({"company": TEST_COMPANY, "batch_no": self.batch_no}),
			),
			("Batch Expiry Status", batch_expiry_status({"company": TEST_COMPANY, "item_code": ITEM})),
		):
			reasons = [row.get("hold_reason") for row in result[1] if row.get("batch_no") == self.batch_no]
			self.assertTrue(reasons, report)
			for reason in reasons:
				self.assertNotIn("<", reason, report)

	def test_an_old_raw_reason_is_escaped_in_the_reports(self):
		"""A reason stored raw before this fix (or by another app) still shows as text."""
		frappe.set_user(STOCK_MANAGER)
		hold_stock("Batch", self.batch_no, "Lab check")
		frappe.set_user("Administrator")
		frappe.db.set_value("Batch", self.batch_no, "tp_hold_reason", SCRIPT, update_modified=False)
		rows = batch_stock_balance({"company": TEST_COMPANY, "batch_no": self.batch_no})[1]
		self.assertTrue(rows)
		for row in rows:
			self.assertNotIn("<", row["hold_reason"])
			self.assertNotIn("onerror", row["hold_reason"])
			self.assertIn("Supplier alert", row["hold_reason"])

	def test_a_recall_reason_changed_at_submit_is_cleaned_in_holds_and_escaped_in_notices(self):
		make_customer_with_contact(CUSTOMER, "xss.customer@example.com")
		make_selling_voucher(
			"Delivery Note",
			[{"item_code": ITEM, "qty": 2, "batch_no": self.batch_no, "use_serial_batch_fields": 1}],
			customer=CUSTOMER,
		)
		frappe.set_user(QUALITY_MANAGER)
		recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"recall_type": "Recall",
				"severity": "Class II",
				"company": TEST_COMPANY,
				"reason": "Mould",
				"lots": [{"batch_no": self.batch_no}],
			}
		).insert()
		sent = recall.as_dict()
		sent["reason"] = SCRIPT  # Frappe does not clean fields of a document being submitted
		client_submit(frappe.as_json(sent))
		frappe.set_user("Administrator")

		hold_reason = frappe.db.get_value("Batch", self.batch_no, "tp_hold_reason")
		self.assertFalse(runs_script(hold_reason), hold_reason)
		notice = frappe.get_last_doc(
			"Communication", filters={"reference_doctype": "Product Recall", "reference_name": recall.name}
		)
		self.assertFalse(runs_script(notice.content), notice.content)
		self.assertIn("&lt;img", notice.content)

	def test_migrate_cleans_a_reason_stored_raw_by_an_earlier_version(self):
		from traceability_plus.patches.v0_9 import clean_stored_hold_text

		hold("Batch", self.batch_no, "Lab check")
		frappe.db.set_value("Batch", self.batch_no, "tp_hold_reason", SCRIPT, update_modified=False)
		clean_stored_hold_text.execute()
		stored = frappe.db.get_value("Batch", self.batch_no, "tp_hold_reason")
		self.assertFalse(runs_script(stored), stored)
		self.assertIn("Supplier alert", stored)
