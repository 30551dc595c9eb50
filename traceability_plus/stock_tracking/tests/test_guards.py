"""Held and expired stock never leaves; quarantine transfers and returns do; FEFO; counts; the daily job."""

import frappe
from frappe.utils import add_days, nowdate

from traceability_plus.stock_tracking.expiry_alerts import send_expiry_alerts
from traceability_plus.stock_tracking.holds import hold, hold_stock, release, release_stock
from traceability_plus.tests import utils
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	bundle_entries,
	make_item,
	make_naming_rule,
	make_pos_profile,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_stock_reconciliation,
	make_test_baseline,
	make_warehouse,
	open_pos_session,
	traceability_settings,
	undone_if_refused,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

BATCH_ITEM = "_TP Guard Batch"
SERIAL_ITEM = "_TP Guard Serial"


def receive_batch(qty: float = 10, expiry_date: str | None = None, item_code: str = BATCH_ITEM) -> str:
	receipt = make_purchase_receipt([{"item_code": item_code, "qty": qty, "tp_expiry_date": expiry_date}])
	return receipt.items[0].batch_no


def batch_row(batch_no: str, qty: float = 1, item_code: str = BATCH_ITEM) -> dict:
	"""A row naming its batch in the Batch No field (ERPNext itself refuses expired ones there)."""
	return utils.batch_row(item_code, batch_no, qty)


def bundle_row(voucher_type: str, batch_no: str, qty: float = 1, item_code: str = BATCH_ITEM) -> dict:
	"""A row whose batch is chosen in a Serial and Batch Bundle, as the batch dialog does."""
	from erpnext.stock.serial_batch_bundle import SerialBatchCreation

	bundle = SerialBatchCreation(
		{
			"item_code": item_code,
			"warehouse": warehouse(),
			"voucher_type": voucher_type,
			"posting_date": nowdate(),
			"posting_time": "00:00:00",
			"qty": qty,
			"batches": frappe._dict({batch_no: qty}),
			"type_of_transaction": "Outward",
			"company": TEST_COMPANY,
			"do_not_submit": True,
		}
	).make_serial_and_batch_bundle()
	return {"item_code": item_code, "qty": qty, "serial_and_batch_bundle": bundle.name}


class TestGuards(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(BATCH_ITEM, has_batch_no=1)
		make_item(SERIAL_ITEM, has_serial_no=1)
		make_naming_rule(BATCH_ITEM, "Batch", "GB-.#####", item_code=BATCH_ITEM)
		make_naming_rule(SERIAL_ITEM, "Serial No", "GS-.#####", item_code=SERIAL_ITEM)
		self.quarantine = make_warehouse("Quarantine")
		self.elsewhere = make_warehouse("Shop Floor")
		frappe.db.set_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward", 1)

	# -- holds ---------------------------------------------------------------------------

	def test_hold_records_who_when_why_and_release_asks_again(self):
		batch_no = receive_batch()
		self.assertTrue(hold_stock("Batch", batch_no, "Supplier complaint 77")["changed"])
		held = frappe.db.get_value(
			"Batch", batch_no, ["tp_on_hold", "tp_hold_reason", "tp_held_by", "tp_held_on"], as_dict=True
		)
		self.assertEqual(
			(held.tp_on_hold, held.tp_hold_reason, held.tp_held_by),
			(1, "Supplier complaint 77", "Administrator"),
		)
		self.assertIsNotNone(held.tp_held_on)
		self.assertRaises(frappe.ValidationError, release_stock, "Batch", batch_no, "  ")
		self.assertTrue(release_stock("Batch", batch_no, "Complaint closed")["changed"])
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "tp_on_hold"), 0)
		comments = frappe.get_all(
			"Comment", filters={"reference_doctype": "Batch", "reference_name": batch_no}, pluck="content"
		)
		self.assertIn("Put on hold: Supplier complaint 77", comments)
		self.assertIn("Hold released: Complaint closed", comments)

	def test_a_hold_reason_is_shown_as_text_not_html(self):
		batch_no = receive_batch()
		hold("Batch", batch_no, '<img src=x onerror="alert(1)">')
		comment = frappe.get_last_doc("Comment", filters={"reference_name": batch_no, "comment_type": "Info"})
		self.assertNotIn("<img", comment.content)
		self.assertIn("&lt;img", comment.content)
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_selling_voucher("Delivery Note", [batch_row(batch_no)])
		self.assertNotIn("<img", str(refused.exception))

	def test_release_for_a_document_leaves_other_holds(self):
		batch_no = receive_batch()
		hold("Batch", batch_no, "Recall", "Item", BATCH_ITEM)
		self.assertFalse(release("Batch", batch_no, "Other recall cancelled", "Item", "_TP Other"))
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "tp_on_hold"), 1)
		self.assertTrue(release("Batch", batch_no, "Recall cancelled", "Item", BATCH_ITEM))

	def test_hold_api_refuses_a_user_who_may_not_read_the_batch(self):
		batch_no = receive_batch()
		frappe.set_user("Guest")
		try:
			self.assertRaises(frappe.PermissionError, hold_stock, "Batch", batch_no, "no right")
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "tp_on_hold"), 0)

	# -- nothing held leaves -----------------------------------------------------------------

	def test_held_batch_cannot_be_delivered_or_invoiced_or_issued(self):
		batch_no = receive_batch()
		hold("Batch", batch_no, "Lab test pending")
		for make_voucher in (
			lambda: make_selling_voucher("Delivery Note", [batch_row(batch_no)]),
			lambda: make_selling_voucher("Sales Invoice", [batch_row(batch_no)]),
			lambda: make_stock_entry("Material Issue", [{**batch_row(batch_no), "s_warehouse": warehouse()}]),
			lambda: make_stock_entry(
				"Material Transfer",
				[{**batch_row(batch_no), "s_warehouse": warehouse(), "t_warehouse": self.elsewhere}],
			),
		):
			with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
				make_voucher()
			message = str(refused.exception)
			for expected in (batch_no, BATCH_ITEM, "Lab test pending", "Administrator"):
				self.assertIn(expected, message)
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "batch_qty"), 10)

	def test_held_batch_cannot_be_sent_to_a_subcontractor(self):
		batch_no = receive_batch()
		hold("Batch", batch_no, "Supplier audit")
		supplier_store = make_warehouse("Subcontractor Store")
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_stock_entry(
				"Send to Subcontractor",
				[{**batch_row(batch_no, 2), "s_warehouse": warehouse(), "t_warehouse": supplier_store}],
			)
		self.assertIn("Supplier audit", str(refused.exception))

	def test_held_batch_cannot_be_sold_at_the_point_of_sale(self):
		batch_no = receive_batch()
		hold("Batch", batch_no, "Recall check")
		profile = make_pos_profile()
		open_pos_session(profile)
		invoice = frappe.get_doc(
			{
				"doctype": "POS Invoice",
				"company": TEST_COMPANY,
				"customer": TEST_CUSTOMER,
				"pos_profile": profile.name,
				"is_pos": 1,
				"update_stock": 1,
				"currency": "USD",
				"conversion_rate": 1,
				"set_warehouse": warehouse(),
				"items": [
					{**batch_row(batch_no, 1), "rate": 20, "warehouse": warehouse(), "conversion_factor": 1}
				],
				"payments": [{"mode_of_payment": "Cash", "amount": 20, "default": 1}],
			}
		)
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			invoice.insert()
			invoice.submit()
		self.assertIn("Recall check", str(refused.exception))
		self.assertIn(batch_no, str(refused.exception))

	def test_held_batch_cannot_be_consumed_by_repack_or_manufacture(self):
		make_item("_TP Guard Output")
		batch_no = receive_batch()
		hold("Batch", batch_no, "Not for production")
		for purpose in ("Repack", "Manufacture"):
			with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
				make_stock_entry(
					purpose,
					[
						{**batch_row(batch_no, 2), "s_warehouse": warehouse()},
						{
							"item_code": "_TP Guard Output",
							"qty": 1,
							"t_warehouse": warehouse(),
							"is_finished_item": 1,
						},
					],
				)
			self.assertIn("Not for production", str(refused.exception))

	def test_held_batch_cannot_be_picked(self):
		make_item("_TP Guard Pick", has_batch_no=1)
		make_naming_rule("_TP Guard Pick", "Batch", "GP-.#####", item_code="_TP Guard Pick")
		batch_no = receive_batch(item_code="_TP Guard Pick")
		hold("Batch", batch_no, "Not for picking")
		pick_list = frappe.get_doc(
			{
				"doctype": "Pick List",
				"company": TEST_COMPANY,
				"purpose": "Material Transfer",
				"locations": [
					{"item_code": "_TP Guard Pick", "qty": 2, "stock_qty": 2, "conversion_factor": 1}
				],
			}
		)
		pick_list.set_item_locations()
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			pick_list.submit()
		self.assertIn(batch_no, str(refused.exception))
		self.assertIn("Not for picking", str(refused.exception))

	def test_pick_list_locations_skip_held_batches(self):
		make_item("_TP Guard Pick FEFO", has_batch_no=1)
		make_naming_rule("_TP Guard Pick FEFO", "Batch", "GPF-.#####", item_code="_TP Guard Pick FEFO")
		soon = receive_batch(4, add_days(nowdate(), 10), item_code="_TP Guard Pick FEFO")
		later = receive_batch(4, add_days(nowdate(), 40), item_code="_TP Guard Pick FEFO")
		latest = receive_batch(4, add_days(nowdate(), 90), item_code="_TP Guard Pick FEFO")
		hold("Batch", soon, "Not for picking")
		pick_list = frappe.get_doc(
			{
				"doctype": "Pick List",
				"company": TEST_COMPANY,
				"purpose": "Material Transfer",
				"locations": [
					{"item_code": "_TP Guard Pick FEFO", "qty": 6, "stock_qty": 6, "conversion_factor": 1}
				],
			}
		).insert()
		self.assertEqual(
			[(row.batch_no, row.stock_qty) for row in pick_list.locations], [(later, 4), (latest, 2)]
		)
		pick_list.submit()
		self.assertEqual(pick_list.docstatus, 1)

	def test_held_serial_cannot_be_delivered(self):
		receipt = make_purchase_receipt([{"item_code": SERIAL_ITEM, "qty": 2}])
		serial_no = bundle_entries("Purchase Receipt", receipt.name)[0].serial_no
		hold("Serial No", serial_no, "Damaged box")
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_selling_voucher(
				"Delivery Note",
				[{"item_code": SERIAL_ITEM, "qty": 1, "serial_no": serial_no, "use_serial_batch_fields": 1}],
			)
		self.assertIn("Damaged box", str(refused.exception))

	def test_batch_picked_by_erpnext_at_submit_is_checked_too(self):
		make_item("_TP Guard Auto", has_batch_no=1)
		make_naming_rule("_TP Guard Auto", "Batch", "GA-.#####", item_code="_TP Guard Auto")
		batch_no = receive_batch(item_code="_TP Guard Auto")
		hold("Batch", batch_no, "Auto-pick must not ship it")
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_selling_voucher("Delivery Note", [{"item_code": "_TP Guard Auto", "qty": 1}])
		self.assertIn(batch_no, str(refused.exception))

	def test_held_stock_may_go_to_quarantine_and_back_to_the_supplier(self):
		with traceability_settings(quarantine_warehouse=self.quarantine):
			batch_no = receive_batch(qty=6)
			hold("Batch", batch_no, "Quarantine it")
			make_stock_entry(
				"Material Transfer",
				[{**batch_row(batch_no, 4), "s_warehouse": warehouse(), "t_warehouse": self.quarantine}],
			)
		receipt_name = frappe.db.get_value("Batch", batch_no, "reference_name")
		from erpnext.stock.doctype.purchase_receipt.purchase_receipt import make_purchase_return

		purchase_return = make_purchase_return(receipt_name)
		purchase_return.items[0].qty = -2
		purchase_return.items[0].received_qty = -2
		purchase_return.items[0].batch_no = batch_no
		purchase_return.items[0].use_serial_batch_fields = 1
		purchase_return.insert()
		purchase_return.submit()
		self.assertEqual(purchase_return.docstatus, 1)

	def test_held_stock_may_go_back_on_a_purchase_invoice_return(self):
		from erpnext.controllers.sales_and_purchase_return import make_return_doc

		make_item("_TP Guard Invoiced", has_batch_no=1, create_new_batch=1, batch_number_series="TPGI-.#####")
		invoice = frappe.get_doc(
			{
				"doctype": "Purchase Invoice",
				"company": TEST_COMPANY,
				"supplier": utils.TEST_SUPPLIER,
				"update_stock": 1,
				"items": [
					{"item_code": "_TP Guard Invoiced", "qty": 4, "rate": 10, "warehouse": warehouse()}
				],
			}
		).insert()
		invoice.submit()
		batch_no = utils.batch_made(invoice, "_TP Guard Invoiced")
		hold("Batch", batch_no, "Send it back")
		debit_note = make_return_doc("Purchase Invoice", invoice.name)
		debit_note.items[0].qty = -2
		debit_note.items[0].received_qty = -2
		debit_note.insert()
		debit_note.submit()
		self.assertEqual(debit_note.docstatus, 1)

	def test_sales_return_of_held_stock_is_allowed(self):
		batch_no = receive_batch()
		delivery = make_selling_voucher("Delivery Note", [batch_row(batch_no, 3)])
		hold("Batch", batch_no, "Customer complaint")
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return

		sales_return = make_sales_return(delivery.name)
		sales_return.insert()
		sales_return.submit()
		self.assertEqual(sales_return.docstatus, 1)

	# -- expiry ------------------------------------------------------------------------------

	def test_expired_batch_is_refused_and_the_expiry_day_itself_is_usable(self):
		expired = receive_batch(expiry_date=add_days(nowdate(), -1))
		last_day = receive_batch(expiry_date=nowdate())
		for make_voucher in (
			lambda: make_selling_voucher("Delivery Note", [bundle_row("Delivery Note", expired)]),
			lambda: make_selling_voucher("Sales Invoice", [bundle_row("Sales Invoice", expired)]),
			lambda: make_stock_entry(
				"Material Issue", [{**bundle_row("Stock Entry", expired), "s_warehouse": warehouse()}]
			),
		):
			with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
				make_voucher()
			self.assertIn("expired on", str(refused.exception))
			self.assertIn(expired, str(refused.exception))
			self.assertIn(BATCH_ITEM, str(refused.exception))
		self.assertEqual(
			make_selling_voucher("Delivery Note", [bundle_row("Delivery Note", last_day)]).docstatus, 1
		)

	def test_warn_only_switch_lets_a_stock_entry_take_expired_stock_with_a_warning(self):
		in_bundle = receive_batch(expiry_date=add_days(nowdate(), -3))
		in_field = receive_batch(expiry_date=add_days(nowdate(), -3))
		with traceability_settings(block_expired_outward=0):
			frappe.clear_messages()
			issue = make_stock_entry(
				"Material Issue", [{**bundle_row("Stock Entry", in_bundle), "s_warehouse": warehouse()}]
			)
			self.assertEqual(issue.docstatus, 1)
			self.assertIn(in_bundle, str(frappe.message_log))
			# The batch typed into the row: ERPNext lets a Material Issue take it, and so does the app.
			issue = make_stock_entry("Material Issue", [{**batch_row(in_field), "s_warehouse": warehouse()}])
			self.assertEqual(issue.docstatus, 1)
		held = receive_batch()
		hold("Batch", held, "Held stays blocked")
		with (
			traceability_settings(block_expired_outward=0),
			self.assertRaises(frappe.ValidationError),
			undone_if_refused(),
		):
			make_stock_entry("Material Issue", [{**batch_row(held), "s_warehouse": warehouse()}])

	def test_expired_stock_is_never_sold_even_with_the_switch_off(self):
		expired = receive_batch(qty=4, expiry_date=add_days(nowdate(), -3))
		with traceability_settings(block_expired_outward=0):
			for make_voucher in (
				# In a bundle (the batch dialog), refused by the app...
				lambda: make_selling_voucher("Delivery Note", [bundle_row("Delivery Note", expired)]),
				lambda: make_selling_voucher("Sales Invoice", [bundle_row("Sales Invoice", expired)]),
				# ...typed into Batch No, refused by ERPNext itself: the same rule either way.
				lambda: make_selling_voucher("Delivery Note", [batch_row(expired)]),
			):
				with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
					make_voucher()
				self.assertIn("expired", str(refused.exception))

	def test_expired_stock_goes_to_quarantine_and_is_destroyed_from_there(self):
		expired = receive_batch(qty=5, expiry_date=add_days(nowdate(), -2))
		with traceability_settings(quarantine_warehouse=self.quarantine):
			with self.assertRaises(frappe.ValidationError), undone_if_refused():
				make_stock_entry("Material Issue", [{**batch_row(expired, 1), "s_warehouse": warehouse()}])
			make_stock_entry(
				"Material Transfer",
				[{**batch_row(expired, 5), "s_warehouse": warehouse(), "t_warehouse": self.quarantine}],
			)
			destroyed = make_stock_entry(
				"Material Issue", [{**batch_row(expired, 5), "s_warehouse": self.quarantine}]
			)
		self.assertEqual(destroyed.docstatus, 1)

	def test_fefo_erpnext_picks_the_earliest_expiring_batch(self):
		make_item("_TP Guard FEFO", has_batch_no=1)
		make_naming_rule("_TP Guard FEFO", "Batch", "GF-.#####", item_code="_TP Guard FEFO")
		late = receive_batch(5, add_days(nowdate(), 200), "_TP Guard FEFO")
		early = receive_batch(5, add_days(nowdate(), 20), "_TP Guard FEFO")
		delivery = make_selling_voucher("Delivery Note", [{"item_code": "_TP Guard FEFO", "qty": 7}])
		picked = {row.batch_no: -row.qty for row in bundle_entries("Delivery Note", delivery.name)}
		self.assertEqual(picked, {early: 5, late: 2})

	def test_fefo_skips_held_batches_when_erpnext_picks(self):
		make_item("_TP Guard FEFO Held", has_batch_no=1)
		make_naming_rule("_TP Guard FEFO Held", "Batch", "GH-.#####", item_code="_TP Guard FEFO Held")
		early = receive_batch(5, add_days(nowdate(), 20), "_TP Guard FEFO Held")
		middle = receive_batch(5, add_days(nowdate(), 50), "_TP Guard FEFO Held")
		late = receive_batch(5, add_days(nowdate(), 200), "_TP Guard FEFO Held")
		hold("Batch", early, "Under investigation")

		# The batch dialog's Auto Fetch, through the method the desk calls, proposes no held batch.
		auto_fetch = frappe.get_hooks("override_whitelisted_methods")[
			"erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle.get_auto_data"
		][-1]
		proposed = frappe.get_attr(auto_fetch)(
			item_code="_TP Guard FEFO Held",
			warehouse=warehouse(),
			has_batch_no=1,
			qty=7,
			based_on="Expiry",
			posting_date=nowdate(),
		)
		self.assertEqual([(row.batch_no, row.qty) for row in proposed], [(middle, 5), (late, 2)])

		# Nor does the Batch No dropdown of a Delivery Note row.
		from traceability_plus.stock_tracking.picking import get_batch_no

		dropdown = get_batch_no(
			"Batch",
			"",
			"name",
			0,
			20,
			{"item_code": "_TP Guard FEFO Held", "warehouse": warehouse(), "posting_date": nowdate()},
		)
		self.assertEqual(sorted(row[0] for row in dropdown), sorted([middle, late]))
		# The desk sends the filters as a JSON string; the answer is the same.
		as_sent = frappe.as_json(
			{"item_code": "_TP Guard FEFO Held", "warehouse": warehouse(), "posting_date": nowdate()}
		)
		self.assertEqual(get_batch_no("Batch", "", "name", 0, 20, as_sent), dropdown)

		# And neither does ERPNext's own pick at submit.
		delivery = make_selling_voucher("Delivery Note", [{"item_code": "_TP Guard FEFO Held", "qty": 7}])
		picked = {row.batch_no: -row.qty for row in bundle_entries("Delivery Note", delivery.name)}
		self.assertEqual(picked, {middle: 5, late: 2})

	# -- stock counts ------------------------------------------------------------------------

	def test_count_cannot_put_a_serial_in_two_places(self):
		receipt = make_purchase_receipt([{"item_code": SERIAL_ITEM, "qty": 1}])
		serial_no = bundle_entries("Purchase Receipt", receipt.name)[0].serial_no
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_stock_reconciliation(
				[
					{
						"item_code": SERIAL_ITEM,
						"warehouse": self.elsewhere,
						"qty": 1,
						"serial_no": serial_no,
						"use_serial_batch_fields": 1,
					}
				]
			)
		self.assertIn(serial_no, str(refused.exception))

	def test_backdated_count_cannot_leave_a_negative_batch_balance(self):
		receipt = make_purchase_receipt(
			[{"item_code": BATCH_ITEM, "qty": 10}], posting_date=add_days(nowdate(), -3)
		)
		batch_no = receipt.items[0].batch_no
		make_selling_voucher("Delivery Note", [batch_row(batch_no, 8)])
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			make_stock_reconciliation(
				[{**batch_row(batch_no, 5)}],
				posting_date=add_days(nowdate(), -1),
			)
		self.assertIn("would leave it at -3", str(refused.exception))
		self.assertIn(batch_no, str(refused.exception))


class TestDailyExpiryJob(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item("_TP Alert Batch", has_batch_no=1)
		make_naming_rule("_TP Alert Batch", "Batch", "AL-.#####", item_code="_TP Alert Batch")
		if not frappe.db.exists("User", "tp.stock.manager@example.com"):
			frappe.get_doc(
				{"doctype": "User", "email": "tp.stock.manager@example.com", "first_name": "TP Stock Manager"}
			).insert(ignore_permissions=True)
		# Every time, not only when the user is made: another test may have changed its roles.
		frappe.get_doc("User", "tp.stock.manager@example.com").add_roles("Stock Manager")

	def alerts_for(self, batch_no: str) -> int:
		return frappe.db.count(
			"Notification Log",
			{"document_type": "Batch", "document_name": batch_no, "for_user": "tp.stock.manager@example.com"},
		)

	def test_alerts_once_per_batch_and_threshold_and_auto_hold(self):
		soon = receive_batch(4, add_days(nowdate(), 10), "_TP Alert Batch")
		later = receive_batch(4, add_days(nowdate(), 100), "_TP Alert Batch")
		expired = receive_batch(4, add_days(nowdate(), -1), "_TP Alert Batch")
		with traceability_settings(expiry_alert_days=30, auto_hold_expired=1):
			send_expiry_alerts()
			send_expiry_alerts()  # the next day's run: nothing new
		self.assertEqual(self.alerts_for(soon), 1)
		self.assertEqual(self.alerts_for(later), 0)
		self.assertEqual(self.alerts_for(expired), 1)
		self.assertEqual(
			frappe.db.get_value("Batch", expired, ["tp_on_hold", "tp_hold_reason"]), (1, "Expired")
		)
		self.assertEqual(frappe.db.get_value("Batch", soon, "tp_on_hold"), 0)

		# Eleven days on, the soon-expiring batch has expired: a second, different alert.
		with traceability_settings(expiry_alert_days=30, auto_hold_expired=0):
			send_expiry_alerts(on=add_days(nowdate(), 11))
		self.assertEqual(self.alerts_for(soon), 2)
		self.assertEqual(frappe.db.get_value("Batch", soon, "tp_on_hold"), 0)
