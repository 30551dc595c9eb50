"""FEFO is expiry first, then FIFO, on every path that picks a batch; Pick Lists submit.

Each scenario receives its batches one after the other (so oldest first is the order of
receipt) and asks every picker the same question: ERPNext's pick at submit, the batch
dialog's Auto Fetch, the Batch No dropdown and the locations of a Pick List.
"""

import frappe
from frappe.utils import add_days, nowdate

from traceability_plus.stock_tracking.holds import hold
from traceability_plus.stock_tracking.picking import get_auto_data, get_batch_no
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	bundle_entries,
	make_item,
	make_naming_rule,
	make_purchase_receipt,
	make_selling_voucher,
	make_test_baseline,
	undone_if_refused,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase, item_details_request


def receive(item_code: str, qty: float, expiry_date: str | None = None) -> str:
	receipt = make_purchase_receipt([{"item_code": item_code, "qty": qty, "tp_expiry_date": expiry_date}])
	return receipt.items[0].batch_no


def pick_list_for(item_code: str, qty: float, submit: bool = False):
	pick_list = frappe.get_doc(
		{
			"doctype": "Pick List",
			"company": TEST_COMPANY,
			"purpose": "Material Transfer",
			"locations": [{"item_code": item_code, "qty": qty, "stock_qty": qty, "conversion_factor": 1}],
		}
	).insert()
	if submit:
		pick_list.submit()
	return pick_list


class TestFirstExpiryFirstOut(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		frappe.db.set_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward", 1)

	def new_item(self, code: str, **properties) -> str:
		make_item(code, has_batch_no=1, **properties)
		make_naming_rule(code, "Batch", code.replace(" ", "")[-6:].upper() + "-.#####", item_code=code)
		return code

	def picks(self, item_code: str, qty: float) -> dict[str, list]:
		"""What each picker proposes for `qty`, as (batch, qty) in its order."""
		auto_fetch = get_auto_data(
			item_code=item_code, warehouse=warehouse(), has_batch_no=1, qty=qty, posting_date=nowdate()
		)
		dropdown = get_batch_no(
			"Batch",
			"",
			"name",
			0,
			20,
			{"item_code": item_code, "warehouse": warehouse(), "posting_date": nowdate()},
		)
		pick_list = pick_list_for(item_code, qty)
		delivery = make_selling_voucher("Delivery Note", [{"item_code": item_code, "qty": qty}])
		return {
			"auto fetch": [(row.batch_no, row.qty) for row in auto_fetch],
			"dropdown": [row[0] for row in dropdown],
			"pick list": [(row.batch_no, row.stock_qty) for row in pick_list.locations],
			"submit": sorted(
				(row.batch_no, -row.qty) for row in bundle_entries("Delivery Note", delivery.name)
			),
		}

	def assertPicks(self, item_code: str, qty: float, expected: list[tuple[str, float]], order: list[str]):
		picks = self.picks(item_code, qty)
		self.assertEqual(picks["auto fetch"], expected)
		self.assertEqual(picks["pick list"], expected)
		self.assertEqual(picks["submit"], sorted(expected))
		self.assertEqual(picks["dropdown"], order)

	def test_erpnext_picking_setting_is_left_at_its_fifo(self):
		self.assertEqual(
			frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on"), "FIFO"
		)

	def test_batches_without_expiry_go_first_in_first_out(self):
		item = self.new_item("_TP FEFO None")
		first, second, third = (receive(item, 5) for _ in range(3))
		self.assertPicks(item, 12, [(first, 5), (second, 5), (third, 2)], [first, second, third])

	def test_batches_with_the_same_expiry_go_oldest_first(self):
		item = self.new_item("_TP FEFO Same")
		same = add_days(nowdate(), 60)
		older = receive(item, 5, same)
		newer = receive(item, 5, same)
		soonest = receive(item, 5, add_days(nowdate(), 30))
		self.assertPicks(item, 12, [(soonest, 5), (older, 5), (newer, 2)], [soonest, older, newer])

	def test_dated_batches_first_by_expiry_then_undated_first_in_first_out(self):
		item = self.new_item("_TP FEFO Mixed")
		undated_old = receive(item, 4)
		late = receive(item, 4, add_days(nowdate(), 200))
		undated_new = receive(item, 4)
		soon = receive(item, 4, add_days(nowdate(), 20))
		self.assertPicks(
			item,
			14,
			[(soon, 4), (late, 4), (undated_old, 4), (undated_new, 2)],
			[soon, late, undated_old, undated_new],
		)

	def test_pick_list_leaves_what_another_open_pick_list_holds(self):
		item = self.new_item("_TP FEFO Two Lists")
		late = receive(item, 5, add_days(nowdate(), 200))
		soon = receive(item, 5, add_days(nowdate(), 20))
		first = pick_list_for(item, 4)  # a draft holds its quantities, as ERPNext counts them
		self.assertEqual([(row.batch_no, row.stock_qty) for row in first.locations], [(soon, 4)])
		second = pick_list_for(item, 4)
		self.assertEqual([(row.batch_no, row.stock_qty) for row in second.locations], [(soon, 1), (late, 3)])

	def test_fefo_off_leaves_erpnext_order(self):
		from traceability_plus.tests.utils import traceability_settings

		item = self.new_item("_TP FEFO Off")
		late = receive(item, 5, add_days(nowdate(), 200))
		receive(item, 5, add_days(nowdate(), 20))
		with traceability_settings(use_fefo_picking=0):
			delivery = make_selling_voucher("Delivery Note", [{"item_code": item, "qty": 3}])
		self.assertEqual([row.batch_no for row in bundle_entries("Delivery Note", delivery.name)], [late])


class TestPickListSubmits(IntegrationTestCase):
	"""ERPNext builds an outward bundle for every location that names a batch or serial."""

	def setUp(self):
		make_test_baseline()

	def test_pick_list_of_batch_locations_submits(self):
		make_item("_TP Pick Submit Batch", has_batch_no=1)
		make_naming_rule("_TP Pick Submit Batch", "Batch", "PSB-.#####", item_code="_TP Pick Submit Batch")
		batch_no = receive("_TP Pick Submit Batch", 6, add_days(nowdate(), 90))
		pick_list = pick_list_for("_TP Pick Submit Batch", 4, submit=True)
		self.assertEqual(pick_list.docstatus, 1)
		self.assertEqual([(row.batch_no, row.picked_qty) for row in pick_list.locations], [(batch_no, 4)])
		self.assertTrue(pick_list.locations[0].serial_and_batch_bundle)

	def test_pick_list_of_serial_locations_submits(self):
		make_item("_TP Pick Submit Serial", has_serial_no=1)
		make_naming_rule(
			"_TP Pick Submit Serial", "Serial No", "PSS-.#####", item_code="_TP Pick Submit Serial"
		)
		make_purchase_receipt([{"item_code": "_TP Pick Submit Serial", "qty": 3}])
		pick_list = pick_list_for("_TP Pick Submit Serial", 2, submit=True)
		self.assertEqual(pick_list.docstatus, 1)
		self.assertEqual(len(pick_list.locations[0].serial_no.split()), 2)

	def test_pick_list_of_a_held_batch_is_refused_at_submit_with_the_reason(self):
		make_item("_TP Pick Submit Held", has_batch_no=1)
		make_naming_rule("_TP Pick Submit Held", "Batch", "PSH-.#####", item_code="_TP Pick Submit Held")
		batch_no = receive("_TP Pick Submit Held", 6)
		pick_list = pick_list_for("_TP Pick Submit Held", 4)
		hold("Batch", batch_no, "Held after picking")
		with self.assertRaises(frappe.ValidationError) as refused, undone_if_refused():
			pick_list.submit()
		self.assertIn(batch_no, str(refused.exception))
		self.assertIn("Held after picking", str(refused.exception))


class TestNewRowIsOfferedTheFefoBatch(IntegrationTestCase):
	"""Choosing the item on a Delivery Note row: ERPNext fills in a batch; it is the FEFO one."""

	def setUp(self):
		make_test_baseline()
		# What ERPNext 15 needs to propose a batch at all; v16 always does.
		frappe.db.set_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward", 1)

	def offered_batch(self, item_code: str, qty: float, other_rows=()) -> str:
		# The method the desk calls, through the app's override of it.
		method = frappe.get_hooks("override_whitelisted_methods")[
			"erpnext.stock.get_item_details.get_item_details"
		][-1]
		details = frappe.get_attr(method)(
			**item_details_request(
				{
					"item_code": item_code,
					"warehouse": warehouse(),
					"company": TEST_COMPANY,
					"doctype": "Delivery Note",
					"customer": TEST_CUSTOMER,
					"currency": "USD",
					"conversion_rate": 1,
					"price_list": "Standard Selling",
					"price_list_currency": "USD",
					"plc_conversion_rate": 1,
					"qty": qty,
					"stock_qty": qty,
					"conversion_factor": 1,
					"use_serial_batch_fields": 1,
				},
				{"doctype": "Delivery Note", "items": list(other_rows)},
			)
		)
		return details.batch_no

	def test_dated_item_is_offered_its_earliest_expiring_batch(self):
		make_item("_TP FEFO Offer", has_batch_no=1)
		make_naming_rule("_TP FEFO Offer", "Batch", "OFFER-.#####", item_code="_TP FEFO Offer")
		late = receive("_TP FEFO Offer", 5, add_days(nowdate(), 300))
		soon = receive("_TP FEFO Offer", 5, add_days(nowdate(), 30))
		self.assertEqual(self.offered_batch("_TP FEFO Offer", 2), soon)
		# What another row of the document takes already is not offered twice.
		other_row = {"item_code": "_TP FEFO Offer", "batch_no": soon, "qty": 4, "stock_qty": 4}
		self.assertEqual(self.offered_batch("_TP FEFO Offer", 2, [other_row]), late)
		hold("Batch", soon, "Not to be offered")
		self.assertEqual(self.offered_batch("_TP FEFO Offer", 2), late)

	def test_undated_item_is_offered_erpnexts_fifo_batch(self):
		make_item("_TP FEFO Offer None", has_batch_no=1)
		make_naming_rule("_TP FEFO Offer None", "Batch", "OFFERN-.#####", item_code="_TP FEFO Offer None")
		first = receive("_TP FEFO Offer None", 5)
		receive("_TP FEFO Offer None", 5)
		self.assertEqual(self.offered_batch("_TP FEFO Offer None", 2), first)
