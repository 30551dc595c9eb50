"""Mock Recall Drills on real drills: a completed drill shows its times and the share of
quantity accounted for; recalls that are not drills stay out."""

import frappe
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from traceability_plus.recall.doctype.product_recall.product_recall import complete_drill
from traceability_plus.recall.report.mock_recall_drills.mock_recall_drills import execute
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	batch_made,
	batch_row,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Drill Jam"


def make_recall(batch_no: str, recall_type: str, **fields):
	return frappe.get_doc(
		{
			"doctype": "Product Recall",
			"recall_type": recall_type,
			"company": TEST_COMPANY,
			"severity": None if recall_type == "Mock Recall" else "Class III",
			"reason": "Quarterly drill",
			"lots": [{"batch_no": batch_no}],
			**fields,
		}
	).insert()


class TestMockRecallDrills(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		self.batch_no = batch_made(make_purchase_receipt([{"item_code": ITEM, "qty": 12}]), ITEM)
		make_selling_voucher("Delivery Note", [batch_row(ITEM, self.batch_no, 5)])

	def test_a_completed_drill_shows_its_times_and_share_accounted_for(self):
		drill = make_recall(self.batch_no, "Mock Recall", started_on=add_to_date(now_datetime(), minutes=-30))
		complete_drill(drill.name)
		drill.reload()
		recall = make_recall(self.batch_no, "Recall")

		# From the day the drill started: 30 minutes ago may be yesterday, near midnight.
		started = getdate(drill.started_on)
		_columns, rows, *_message = execute(
			{"company": TEST_COMPANY, "from_date": started, "to_date": nowdate()}
		)
		names = [row.name for row in rows]
		self.assertIn(drill.name, names)
		self.assertNotIn(recall.name, names)
		row = rows[names.index(drill.name)]
		self.assertEqual(
			(row.status, row.time_to_trace, row.time_to_complete, row.accounted_share, row.customer_count),
			("Completed", drill.time_to_trace, drill.time_to_complete, 100, 1),
		)
		self.assertGreaterEqual(row.time_to_trace, 30 * 60)

		_columns, rows, *_message = execute({"company": TEST_COMPANY, "to_date": add_days(started, -1)})
		self.assertNotIn(drill.name, [row.name for row in rows])

	def test_company_is_required(self):
		with self.assertRaises(frappe.ValidationError):
			execute({})
