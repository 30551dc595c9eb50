"""Serial Warranty History on real documents: receipt, deliveries, a return, a warranty
claim and a maintenance visit."""

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.utils import add_days, getdate, nowdate

from traceability_plus.stock_tracking.report.serial_warranty_history.serial_warranty_history import execute
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	TEST_SUPPLIER,
	bundle_entries,
	make_customer,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Warranty Meter"
OTHER_CUSTOMER = "_TP Warranty Customer Two"
SERVICE_PERSON = "_TP Service Technician"


def serial_row(serial_no):
	return {"item_code": ITEM, "qty": 1, "serial_no": serial_no, "use_serial_batch_fields": 1}


class TestSerialWarrantyHistory(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_customer(OTHER_CUSTOMER)
		make_item(ITEM, has_serial_no=1, serial_no_series="TPW-.#####", warranty_period=30)
		self.receipt = make_purchase_receipt(
			[{"item_code": ITEM, "qty": 3}], posting_date=add_days(nowdate(), -60)
		)
		self.sold, self.returned, self.in_stock = sorted(
			row.serial_no for row in bundle_entries("Purchase Receipt", self.receipt.name)
		)
		self.old_sale = make_selling_voucher(
			"Delivery Note", [serial_row(self.sold)], posting_date=add_days(nowdate(), -40)
		)
		self.sale = make_selling_voucher(
			"Delivery Note",
			[serial_row(self.returned)],
			customer=OTHER_CUSTOMER,
			posting_date=add_days(nowdate(), -10),
		)
		sales_return = make_sales_return(self.sale.name)
		sales_return.posting_date = add_days(nowdate(), -5)
		sales_return.insert()
		sales_return.submit()
		self.sales_return = sales_return

	def history(self, **filters):
		_columns, rows, *_message = execute({"company": TEST_COMPANY, **filters})
		return {row["serial_no"]: row for row in rows}

	def test_each_serial_with_supplier_customer_and_warranty(self):
		rows = self.history(item_code=ITEM)
		sold = rows[self.sold]
		self.assertEqual(
			(sold["supplier"], sold["receipt_voucher_no"], sold["customer"], sold["delivery_voucher_no"]),
			(TEST_SUPPLIER, self.receipt.name, TEST_CUSTOMER, self.old_sale.name),
		)
		# Delivered 40 days ago with 30 days of warranty.
		self.assertEqual(sold["warranty_expiry_date"], getdate(add_days(nowdate(), -10)))
		self.assertEqual(sold["warranty_status"], "Out of Warranty")
		returned = rows[self.returned]
		self.assertEqual(
			(returned["warranty_status"], returned["returns"], returned["customer"]),
			("Not Delivered", 1, None),
		)
		self.assertEqual(rows[self.in_stock]["warranty_status"], "Not Delivered")

	def test_under_warranty_until_its_last_day(self):
		resale = make_selling_voucher(
			"Delivery Note", [serial_row(self.in_stock)], posting_date=add_days(nowdate(), -30)
		)
		row = self.history(serial_no=None, item_code=ITEM)[self.in_stock]
		self.assertEqual(
			(row["delivery_voucher_no"], row["warranty_status"]), (resale.name, "Under Warranty")
		)
		self.assertEqual(row["warranty_expiry_date"], getdate(nowdate()))

	def test_customer_filter_lists_what_the_customer_ever_received(self):
		received = set(self.history(customer=OTHER_CUSTOMER))
		self.assertIn(self.returned, received)
		self.assertNotIn(self.sold, received)
		self.assertNotIn(self.in_stock, received)

	def test_one_serial_shows_its_whole_timeline(self):
		claim = frappe.get_doc(
			{
				"doctype": "Warranty Claim",
				"company": TEST_COMPANY,
				"customer": TEST_CUSTOMER,
				"serial_no": self.sold,
				"complaint": "Display dead",
				"complaint_date": add_days(nowdate(), -20),
			}
		).insert(ignore_permissions=True)
		if not frappe.db.exists("Sales Person", SERVICE_PERSON):
			frappe.get_doc(
				{
					"doctype": "Sales Person",
					"sales_person_name": SERVICE_PERSON,
					"parent_sales_person": "Sales Team",
				}
			).insert(ignore_permissions=True)
		visit = frappe.get_doc(
			{
				"doctype": "Maintenance Visit",
				"company": TEST_COMPANY,
				"customer": TEST_CUSTOMER,
				"mntc_date": add_days(nowdate(), -15),
				"mntc_time": "10:00:00",
				"completion_status": "Fully Completed",
				"maintenance_type": "Breakdown",
				"purposes": [
					{
						"item_code": ITEM,
						"serial_no": self.sold,
						"service_person": SERVICE_PERSON,
						"work_done": "Display replaced",
					}
				],
			}
		).insert(ignore_permissions=True)
		visit.submit()

		_columns, rows, _message, _chart, summary = execute({"company": TEST_COMPANY, "serial_no": self.sold})
		self.assertEqual(
			[(row["event"], row["voucher_no"], row["party"]) for row in rows],
			[
				("Receipt", self.receipt.name, TEST_SUPPLIER),
				("Delivery", self.old_sale.name, TEST_CUSTOMER),
				("Warranty Claim", claim.name, TEST_CUSTOMER),
				("Maintenance Visit", visit.name, TEST_CUSTOMER),
			],
		)
		self.assertIn("Display replaced", rows[-1]["details"])
		values = {item["label"]: item["value"] for item in summary}
		self.assertEqual((values["Warranty Claims"], values["Maintenance Visits"]), (1, 1))

	def test_a_filter_is_required(self):
		with self.assertRaises(frappe.ValidationError):
			execute({"company": TEST_COMPANY})
