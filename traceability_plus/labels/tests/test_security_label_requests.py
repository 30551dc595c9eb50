"""Security finding 2 (and the low items of labels): a Print Labels request has a ceiling,
asks for no more than the template allows, writes nothing a reader may not write, and
tells a missing document from a forbidden one in no way.

The least-privileged role that prints labels is a Stock User.
"""

import frappe
from rq.job import Job

from traceability_plus.labels.printing import (
	enqueue_labels,
	get_label_count,
	labels_job_id,
)
from traceability_plus.tests.utils import (
	make_item,
	make_purchase_receipt,
	make_test_baseline,
	make_user,
	traceability_settings,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Ceiling Batch"
OTHER_ITEM = "_TP Ceiling Hidden"
ACCENT_ITEM = "_TP Ceiling Accent"
STOCK_USER = "tp.ceiling.stockuser@example.com"
TEMPLATE = "Thermal 50 x 25 mm"  # Code 128, 100 labels per row at most


class TestLabelRequestsHaveCeilings(IntegrationTestCase):
	def setUp(self):
		# Also when setUp fails half-way, when tearDown is not run.
		self.addCleanup(frappe.set_user, "Administrator")
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		make_item(OTHER_ITEM)
		make_user(STOCK_USER, "Stock User")
		frappe.db.set_value("Label Template", TEMPLATE, "max_labels_per_row", 100)
		self.receipt = make_purchase_receipt([{"item_code": ITEM, "qty": 300}])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_a_request_cannot_raise_the_template_cap_or_pass_the_ceiling(self):
		frappe.set_user(STOCK_USER)
		asked = get_label_count("Purchase Receipt", self.receipt.name, template=TEMPLATE, max_per_row=100000)
		self.assertEqual(asked["count"], 100)
		self.assertEqual(
			get_label_count("Purchase Receipt", self.receipt.name, template=TEMPLATE, max_per_row=7)["count"],
			7,
		)
		frappe.set_user("Administrator")
		with traceability_settings(max_labels_per_request=50):
			frappe.set_user(STOCK_USER)
			for request in (get_label_count, enqueue_labels):
				with self.assertRaises(frappe.ValidationError) as refused:
					request("Purchase Receipt", self.receipt.name, template=TEMPLATE)
				self.assertIn("50", str(refused.exception))
			frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("File", {"attached_to_name": self.receipt.name}))

	def test_a_draft_voucher_prints_nothing(self):
		draft = make_purchase_receipt([{"item_code": ITEM, "qty": 5000}], submit=False)
		frappe.set_user(STOCK_USER)
		for request in (get_label_count, enqueue_labels):
			self.assertRaises(
				frappe.ValidationError, request, "Purchase Receipt", draft.name, template=TEMPLATE
			)

	def test_one_background_run_per_document_at_a_time(self):
		job_id = labels_job_id("Purchase Receipt", self.receipt.name)
		# A run of this receipt waiting in the long queue (no worker takes it in tests).
		running = frappe.enqueue("frappe.ping", queue="long", job_id=job_id, enqueue_after_commit=False)
		try:
			frappe.set_user(STOCK_USER)
			with self.assertRaises(frappe.ValidationError) as refused:
				enqueue_labels("Purchase Receipt", self.receipt.name, template=TEMPLATE)
			self.assertIn("already", str(refused.exception))
		finally:
			frappe.set_user("Administrator")
			Job.fetch(running.id, connection=running.connection).delete()

	def test_a_reader_gets_private_files_of_their_own_not_an_attachment(self):
		frappe.set_user(STOCK_USER)
		self.assertFalse(frappe.has_permission("Item", "write", ITEM))
		enqueue_labels("Item", ITEM, template=TEMPLATE)
		frappe.set_user("Administrator")
		made = frappe.get_last_doc("File", filters={"owner": STOCK_USER})
		self.assertEqual((made.attached_to_doctype, made.attached_to_name, made.is_private), (None, None, 1))
		notice = frappe.get_last_doc("Notification Log", filters={"for_user": STOCK_USER})
		self.assertEqual(notice.link, made.file_url)

	def test_a_missing_and_a_forbidden_document_get_the_same_answer(self):
		frappe.get_doc(
			{"doctype": "User Permission", "user": STOCK_USER, "allow": "Item", "for_value": ITEM}
		).insert(ignore_permissions=True)
		frappe.set_user(STOCK_USER)
		answers = []
		for name in (OTHER_ITEM, "_TP no such item"):
			with self.assertRaises(frappe.PermissionError) as refused:
				get_label_count("Item", name, template=TEMPLATE)
			answers.append(str(refused.exception).replace(name, "NAME"))
		self.assertEqual(answers[0], answers[1])

	def test_a_number_code_128_cannot_carry_is_refused_in_the_dialog(self):
		make_item(ACCENT_ITEM, has_batch_no=1)
		batch = frappe.get_doc({"doctype": "Batch", "item": ACCENT_ITEM, "batch_id": "LOT-ÉTÉ-1"}).insert(
			ignore_permissions=True
		)
		with self.assertRaises(frappe.ValidationError) as refused:
			get_label_count("Batch", batch.name, template=TEMPLATE)
		self.assertIn("Code 128", str(refused.exception))
