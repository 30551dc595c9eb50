"""Security finding 3 (and the low items of recalls): what a recall traced, held and told
is the server's own work, whatever a request sends.

The least-privileged role that submits a recall is a Quality Manager.
"""

import frappe
from frappe.client import save as client_save
from frappe.client import submit as client_submit

from traceability_plus.recall.doctype.product_recall.product_recall import (
	make_quarantine_transfer,
	trace_recall,
)
from traceability_plus.recall.doctype.product_recall.test_product_recall import (
	make_customer_with_contact,
)
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	batch_made,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
	make_user,
	make_warehouse,
	traceability_settings,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Forgery Batch"
CUSTOMER = "_TP Forgery Customer"
QUALITY_MANAGER = "tp.forgery.quality@example.com"


class TestRecallSnapshotIsTheServers(IntegrationTestCase):
	def setUp(self):
		# Also when setUp fails half-way, when tearDown is not run.
		self.addCleanup(frappe.set_user, "Administrator")
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		make_user(QUALITY_MANAGER, "Quality Manager")
		make_customer_with_contact(CUSTOMER, "forgery.customer@example.com")
		receipt = make_purchase_receipt([{"item_code": ITEM, "qty": 10}])
		self.batch_no = batch_made(receipt, ITEM)
		self.other_batch = batch_made(make_purchase_receipt([{"item_code": ITEM, "qty": 5}]), ITEM)
		make_selling_voucher(
			"Delivery Note",
			[{"item_code": ITEM, "qty": 4, "batch_no": self.batch_no, "use_serial_batch_fields": 1}],
			customer=CUSTOMER,
		)
		frappe.set_user(QUALITY_MANAGER)
		self.recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"recall_type": "Recall",
				"severity": "Class II",
				"company": TEST_COMPANY,
				"reason": "Foreign body",
				"lots": [{"batch_no": self.batch_no}],
			}
		).insert()

	def tearDown(self):
		frappe.set_user("Administrator")

	def submit_as_sent(self, change):
		sent = frappe.get_doc("Product Recall", self.recall.name).as_dict()
		change(sent)
		return client_submit(frappe.as_json(sent))

	def assert_refused_and_nothing_written(self, change):
		with self.assertRaises(frappe.ValidationError) as refused:
			self.submit_as_sent(change)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Product Recall", self.recall.name, "docstatus"), 0)
		self.assertEqual(frappe.db.get_value("Batch", self.other_batch, "tp_on_hold"), 0)
		self.assertFalse(
			frappe.db.exists(
				"Communication", {"reference_doctype": "Product Recall", "reference_name": self.recall.name}
			)
		)
		frappe.set_user(QUALITY_MANAGER)
		return str(refused.exception)

	def test_forged_customers_lots_and_figures_are_refused_at_submit(self):
		def forged_email(sent):
			sent["customers"][0]["email_id"] = "attacker@example.net"

		def forged_lot(sent):
			sent["affected_lots"].append(
				{**sent["affected_lots"][0], "name": None, "batch_no": self.other_batch}
			)

		def forged_share(sent):
			sent["accounted_share"] = 100
			sent["time_to_trace"] = 1

		def forged_trace_time(sent):
			sent["traced_on"] = "2020-01-01 00:00:00"

		for change in (forged_email, forged_lot, forged_share, forged_trace_time):
			message = self.assert_refused_and_nothing_written(change)
			self.assertIn("trace", message.lower())

	def test_the_recall_as_traced_submits_and_holds_what_it_traced(self):
		self.submit_as_sent(lambda sent: None)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Batch", self.batch_no, "tp_on_hold"), 1)
		self.assertEqual(frappe.db.get_value("Batch", self.other_batch, "tp_on_hold"), 0)

	def test_a_draft_save_never_keeps_a_sent_snapshot(self):
		sent = self.recall.as_dict()
		sent["customers"][0]["email_id"] = "attacker@example.net"
		saved = client_save(frappe.as_json(sent))
		self.assertEqual(saved["customers"][0]["email_id"], "forgery.customer@example.com")

	def test_after_submit_statuses_notifications_and_figures_come_only_from_actions(self):
		self.recall.reload()
		self.recall.submit()
		other = frappe.get_doc(
			{
				"doctype": "Communication",
				"subject": "Someone else's email",
				"content": "Not a recall notice",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"recipients": "someone@example.com",
			}
		).insert(ignore_permissions=True)
		for field, value in (("status", "Closed"), ("effectiveness", 100)):
			sent = frappe.get_doc("Product Recall", self.recall.name).as_dict()
			sent[field] = value
			self.assertRaises(frappe.PermissionError, client_save, frappe.as_json(sent))
		sent = frappe.get_doc("Product Recall", self.recall.name).as_dict()
		sent["customers"][0]["notification"] = other.name
		self.assertRaises(frappe.PermissionError, client_save, frappe.as_json(sent))
		# What a user may write after submit: the destroyed quantity and the close note.
		sent = frappe.get_doc("Product Recall", self.recall.name).as_dict()
		sent["customers"][0]["destroyed_qty"] = 1
		sent["close_note"] = "One destroyed on site"
		self.assertEqual(client_save(frappe.as_json(sent))["close_note"], "One destroyed on site")

	def test_trace_in_background_accepts_yes_and_does_not_trace_in_the_request(self):
		self.assertIn(trace_recall(self.recall.name, in_background="yes")["status"], ("Tracing", "Traced"))
		# The request itself only keeps the stored trace; the job traces.
		doc = frappe.get_doc("Product Recall", self.recall.name)
		doc.load_doc_before_save()
		traced_on = doc.traced_on
		doc.customers[0].email_id = "attacker@example.net"
		doc.flags.trace_in_background = True
		doc.trace()
		self.assertEqual(
			(doc.traced_on, doc.customers[0].email_id), (traced_on, "forgery.customer@example.com")
		)

	def test_quarantine_transfer_is_made_once_per_open_recall(self):
		frappe.set_user("Administrator")
		quarantine = make_warehouse("Forgery Quarantine")
		self.recall.reload()
		self.recall.submit()
		with traceability_settings(quarantine_warehouse=quarantine):
			first = make_quarantine_transfer(self.recall.name)
			second = make_quarantine_transfer(self.recall.name)
		self.assertEqual(first, second)
		self.assertEqual(frappe.db.count("Stock Entry", {"remarks": ("like", f"%{self.recall.name}%")}), 1)
