"""Security finding 6: a report shows a row only to a user who may read what it is of, and
says when rows were left out.

The least-privileged roles: a Stock User limited to one warehouse (Recall Trace, Serial
Warranty History), a Stock User without read on Warranty Claim, a Quality Manager limited
to one recall (Mock Recall Drills), a Quality Manager limited to other Addresses (FSMA export).
"""

import frappe
from frappe.utils import add_days, nowdate

from traceability_plus.recall.doctype.product_recall.test_product_recall import (
	make_customer_with_contact,
)
from traceability_plus.recall.fsma_export import recall_spreadsheet_rows
from traceability_plus.recall.report.mock_recall_drills.mock_recall_drills import (
	execute as mock_recall_drills,
)
from traceability_plus.recall.report.recall_trace.recall_trace import execute as recall_trace
from traceability_plus.stock_tracking.report.serial_warranty_history.serial_warranty_history import (
	execute as serial_warranty_history,
)
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	batch_made,
	batch_row,
	bundle_entries,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_test_baseline,
	make_user,
	make_warehouse,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

BATCH_ITEM = "_TP Perm Batch"
SERIAL_ITEM = "_TP Perm Serial"
CUSTOMER = "_TP Perm Customer"
STOCK_USER = "tp.perm.stockuser@example.com"
QUALITY_MANAGER = "tp.perm.quality@example.com"


def limit(user: str, doctype: str, name: str):
	frappe.get_doc(
		{
			"doctype": "User Permission",
			"user": user,
			"allow": doctype,
			"for_value": name,
			"apply_to_all_doctypes": 1,
		}
	).insert(ignore_permissions=True)


class TestReportsShowOnlyWhatTheUserMayRead(IntegrationTestCase):
	def setUp(self):
		# Also when setUp fails half-way, when tearDown is not run.
		self.addCleanup(frappe.set_user, "Administrator")
		make_test_baseline()
		make_item(BATCH_ITEM, has_batch_no=1, create_new_batch=1)
		make_item(SERIAL_ITEM, has_serial_no=1, serial_no_series="TPPERM-.#####")
		make_user(STOCK_USER, "Stock User")
		make_user(QUALITY_MANAGER, "Quality Manager")
		make_customer_with_contact(CUSTOMER, "perm.customer@example.com")
		self.secret = make_warehouse("Perm Secret Store")
		self.batch_no = batch_made(make_purchase_receipt([{"item_code": BATCH_ITEM, "qty": 10}]), BATCH_ITEM)
		make_stock_entry(
			"Material Transfer",
			[
				{
					**batch_row(BATCH_ITEM, self.batch_no, 4),
					"s_warehouse": warehouse(),
					"t_warehouse": self.secret,
				}
			],
		)
		make_selling_voucher("Delivery Note", [batch_row(BATCH_ITEM, self.batch_no, 2)], customer=CUSTOMER)

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_recall_trace_leaves_out_movements_of_a_warehouse_the_user_may_not_read(self):
		_c, all_rows, *_ = recall_trace({"company": TEST_COMPANY, "batch_no": self.batch_no})
		self.assertIn(self.secret, {row.get("warehouse") for row in all_rows})
		limit(STOCK_USER, "Warehouse", warehouse())
		frappe.set_user(STOCK_USER)
		_c, rows, message, _chart, _summary = recall_trace(
			{"company": TEST_COMPANY, "batch_no": self.batch_no}
		)
		self.assertNotIn(self.secret, {row.get("warehouse") for row in rows})
		self.assertLess(len(rows), len(all_rows))
		self.assertIn("not shown", message)

	def test_serial_warranty_history_hides_claims_the_user_may_not_read(self):
		serial_no = next(
			row.serial_no
			for row in bundle_entries(
				"Purchase Receipt", make_purchase_receipt([{"item_code": SERIAL_ITEM, "qty": 1}]).name
			)
		)
		make_selling_voucher(
			"Delivery Note",
			[{"item_code": SERIAL_ITEM, "qty": 1, "serial_no": serial_no, "use_serial_batch_fields": 1}],
		)
		frappe.get_doc(
			{
				"doctype": "Warranty Claim",
				"company": TEST_COMPANY,
				"customer": TEST_CUSTOMER,
				"serial_no": serial_no,
				"complaint": "Private complaint text",
				"complaint_date": add_days(nowdate(), -1),
			}
		).insert(ignore_permissions=True)
		frappe.set_user(STOCK_USER)
		self.assertFalse(frappe.has_permission("Warranty Claim", "read"))
		_c, rows, message, _chart, summary = serial_warranty_history(
			{"company": TEST_COMPANY, "serial_no": serial_no}
		)
		self.assertNotIn("Warranty Claim", {row.get("voucher_type") for row in rows})
		self.assertFalse(any("Private complaint" in (row.get("details") or "") for row in rows))
		self.assertIn("not shown", message)
		self.assertEqual({s["label"]: s["value"] for s in summary}["Warranty Claims"], 0)

	def test_mock_recall_drills_lists_only_the_drills_the_user_may_read(self):
		drills = [
			frappe.get_doc(
				{
					"doctype": "Product Recall",
					"recall_type": "Mock Recall",
					"company": TEST_COMPANY,
					"reason": f"Drill {n}",
					"lots": [{"batch_no": self.batch_no}],
				}
			).insert()
			for n in (1, 2)
		]
		limit(QUALITY_MANAGER, "Product Recall", drills[0].name)
		frappe.set_user(QUALITY_MANAGER)
		_c, rows, message = mock_recall_drills({"company": TEST_COMPANY})
		self.assertEqual([row.name for row in rows], [drills[0].name])
		self.assertIn("not shown", message)

	def test_fsma_export_gives_customer_addresses_only_to_who_may_read_them(self):
		recall = frappe.get_doc(
			{
				"doctype": "Product Recall",
				"recall_type": "Mock Recall",
				"company": TEST_COMPANY,
				"reason": "FSMA drill",
				"lots": [{"batch_no": self.batch_no}],
			}
		).insert()
		self.assertTrue(any("1 Market Street" in str(row) for row in recall_spreadsheet_rows(recall)))
		# ERPNext lets most roles read Addresses: this user may read one other address only.
		other = frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": "_TP Perm Elsewhere",
				"address_type": "Office",
				"address_line1": "9 Other Road",
				"city": "Shelbyville",
				"country": "United States",
			}
		).insert(ignore_permissions=True)
		limit(QUALITY_MANAGER, "Address", other.name)
		frappe.set_user(QUALITY_MANAGER)
		rows = recall_spreadsheet_rows(frappe.get_doc("Product Recall", recall.name))
		self.assertTrue(any(CUSTOMER in str(row) for row in rows))
		self.assertFalse(any("1 Market Street" in str(row) for row in rows))
