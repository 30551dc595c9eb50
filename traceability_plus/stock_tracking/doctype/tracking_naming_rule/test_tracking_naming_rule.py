# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import threading
import traceback

import frappe
from frappe.utils import add_days, getdate, nowdate

from traceability_plus.tests.utils import (
	TEST_SUPPLIER,
	batch_made,
	bundle_entries,
	make_item,
	make_naming_rule,
	make_purchase_receipt,
	make_stock_entry,
	make_stock_reconciliation,
	make_test_baseline,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase


def today_parts() -> dict[str, str]:
	today = getdate(nowdate())
	return {
		"YY": today.strftime("%y"),
		"YYYY": today.strftime("%Y"),
		"MM": today.strftime("%m"),
		"JJJ": f"{today.timetuple().tm_yday:03d}",
	}


def batches_of(voucher) -> list[str]:
	return [row.batch_no for row in bundle_entries(voucher.doctype, voucher.name) if row.batch_no]


def serials_of(voucher, item_code: str) -> list[str]:
	return sorted(
		row.serial_no for row in bundle_entries(voucher.doctype, voucher.name) if row.item_code == item_code
	)


class TestTrackingNamingRule(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_baseline()

	# -- the rule itself -------------------------------------------------------------

	def test_unusable_patterns_are_refused_and_nothing_is_saved(self):
		make_item("_TP NR Refused", has_batch_no=1)
		for pattern, complaint in [
			("LOT-.YYYY.", "no counter"),
			("LOT-.QQQ.{lot}.####", "Unknown token '{lot}'"),
			("LOT-.YYY.####", "Unknown token 'YYY'"),
			("LONG-LOT-NUMBER-.YYYY.MM.DD.-.####", "at most 20"),
			("LOT A.####", "GS1 character set"),
		]:
			with self.subTest(pattern=pattern), self.assertRaises(frappe.ValidationError) as refused:
				make_naming_rule("_TP NR Refused", "Batch", pattern, item_code="_TP NR Refused")
			self.assertIn(complaint, str(refused.exception))
			self.assertFalse(frappe.db.exists("Tracking Naming Rule", "_TP NR Refused"))

	def test_long_pattern_is_accepted_when_not_marked_gs1_safe(self):
		make_item("_TP NR Long", has_batch_no=1)
		rule = make_naming_rule(
			"_TP NR Long", "Batch", "LONG-LOT-NUMBER-.YYYY.MM.DD.-.####", item_code="_TP NR Long", gs1_safe=0
		)
		self.assertTrue(rule.example_name.startswith("LONG-LOT-NUMBER-"))

	def test_rule_for_an_item_not_tracked_that_way_is_refused(self):
		make_item("_TP NR Batch Item", has_batch_no=1)
		with self.assertRaises(frappe.ValidationError) as refused:
			make_naming_rule("_TP NR Wrong Kind", "Serial No", "SN-.#####", item_code="_TP NR Batch Item")
		self.assertIn("_TP NR Batch Item", str(refused.exception))

	# -- Purchase Receipt ------------------------------------------------------------

	def test_receipt_names_batches_by_rule_and_keeps_supplier_lot_and_dates(self):
		make_item("_TP NR Tablets", has_batch_no=1, shelf_life_in_days=365)
		make_naming_rule("_TP NR Tablets", "Batch", "T1LOT-.YY.JJJ.-.####", item_code="_TP NR Tablets")
		receipt = make_purchase_receipt(
			[
				{
					"item_code": "_TP NR Tablets",
					"qty": 10,
					"tp_supplier_lot": "ACME-L778",
					"tp_manufacturing_date": "2026-01-15",
				},
				{"item_code": "_TP NR Tablets", "qty": 4},
			]
		)
		parts = today_parts()
		prefix = f"T1LOT-{parts['YY']}{parts['JJJ']}-"
		self.assertEqual(sorted(batches_of(receipt)), [prefix + "0001", prefix + "0002"])

		first = frappe.get_doc("Batch", receipt.items[0].batch_no)
		self.assertEqual(first.name, prefix + "0001")
		self.assertEqual(first.supplier, TEST_SUPPLIER)
		self.assertEqual(first.tp_supplier_lot, "ACME-L778")
		self.assertEqual(str(first.manufacturing_date), "2026-01-15")
		self.assertEqual(str(first.expiry_date), str(add_days("2026-01-15", 365)))
		self.assertEqual(first.batch_qty, 10)
		# No manufacturing date: the shelf life counts from the receipt's posting date.
		second = frappe.get_doc("Batch", receipt.items[1].batch_no)
		self.assertEqual(second.expiry_date, getdate(add_days(receipt.posting_date, 365)))
		# The supplier lot is searchable.
		self.assertEqual(
			frappe.get_all("Batch", {"tp_supplier_lot": "ACME-L778"}, pluck="name"), [first.name]
		)

	def test_typed_expiry_date_wins_over_shelf_life(self):
		make_item("_TP NR Typed Expiry", has_batch_no=1, shelf_life_in_days=30)
		make_naming_rule("_TP NR Typed Expiry", "Batch", "T2LOT-.####", item_code="_TP NR Typed Expiry")
		receipt = make_purchase_receipt(
			[{"item_code": "_TP NR Typed Expiry", "qty": 1, "tp_expiry_date": "2030-06-30"}]
		)
		self.assertEqual(
			str(frappe.db.get_value("Batch", batches_of(receipt)[0], "expiry_date")), "2030-06-30"
		)

	def test_batch_named_by_erpnext_takes_the_rows_manufacturing_date_for_its_expiry(self):
		make_item(
			"_TP NR ERPNext Dated",
			has_batch_no=1,
			create_new_batch=1,
			batch_number_series="TPED-.#####",
			has_expiry_date=1,
			shelf_life_in_days=30,
		)
		receipt = make_purchase_receipt(
			[
				{
					"item_code": "_TP NR ERPNext Dated",
					"qty": 2,
					"tp_manufacturing_date": add_days(nowdate(), -20),
				}
			]
		)
		batch = frappe.get_doc("Batch", batch_made(receipt, "_TP NR ERPNext Dated"))
		self.assertTrue(batch.name.startswith("TPED-"))  # ERPNext named it, no rule did
		self.assertEqual(batch.manufacturing_date, getdate(add_days(nowdate(), -20)))
		# Made 20 days ago with 30 days of shelf life: 10 days left, not 30.
		self.assertEqual(batch.expiry_date, getdate(add_days(nowdate(), 10)))

	def test_receipt_names_serials_by_rule(self):
		make_item("_TP NR Meter", has_serial_no=1)
		make_naming_rule(
			"_TP NR Meter", "Serial No", "SN-.{item_code}.-.######", item_code="_TP NR Meter", gs1_safe=0
		)
		receipt = make_purchase_receipt([{"item_code": "_TP NR Meter", "qty": 3}])
		self.assertEqual(
			serials_of(receipt, "_TP NR Meter"),
			["SN-_TP NR Meter-000001", "SN-_TP NR Meter-000002", "SN-_TP NR Meter-000003"],
		)
		serial = frappe.get_doc("Serial No", "SN-_TP NR Meter-000002")
		self.assertEqual(serial.item_code, "_TP NR Meter")
		self.assertEqual(serial.warehouse, warehouse())
		# The counter goes on with the next receipt.
		again = make_purchase_receipt([{"item_code": "_TP NR Meter", "qty": 1}])
		self.assertEqual(serials_of(again, "_TP NR Meter"), ["SN-_TP NR Meter-000004"])

	def test_numbers_typed_by_the_user_are_kept(self):
		make_item("_TP NR Manual Batch", has_batch_no=1)
		make_item("_TP NR Manual Serial", has_serial_no=1)
		make_naming_rule("_TP NR Manual Batch", "Batch", "T3LOT-.####", item_code="_TP NR Manual Batch")
		make_naming_rule("_TP NR Manual Serial", "Serial No", "T3SN-.####", item_code="_TP NR Manual Serial")
		frappe.get_doc(
			{"doctype": "Batch", "batch_id": "T3-TYPED-BATCH", "item": "_TP NR Manual Batch"}
		).insert()
		receipt = make_purchase_receipt(
			[
				{
					"item_code": "_TP NR Manual Batch",
					"qty": 2,
					"batch_no": "T3-TYPED-BATCH",
					"use_serial_batch_fields": 1,
				},
				{
					"item_code": "_TP NR Manual Serial",
					"qty": 2,
					"serial_no": "T3-TYPED-1\nT3-TYPED-2",
					"use_serial_batch_fields": 1,
				},
			]
		)
		self.assertEqual(batches_of(receipt), ["T3-TYPED-BATCH"])
		self.assertEqual(serials_of(receipt, "_TP NR Manual Serial"), ["T3-TYPED-1", "T3-TYPED-2"])
		# ERPNext leaves the supplier of a batch empty; the receipt fills it.
		self.assertEqual(frappe.db.get_value("Batch", "T3-TYPED-BATCH", "supplier"), TEST_SUPPLIER)

	def test_without_a_rule_erpnext_names_as_before(self):
		make_item("_TP NR No Rule", has_batch_no=1, create_new_batch=1, batch_number_series="T4ERP-.#####")
		receipt = make_purchase_receipt([{"item_code": "_TP NR No Rule", "qty": 2, "tp_supplier_lot": "S-9"}])
		(batch_no,) = batches_of(receipt)
		self.assertTrue(batch_no.startswith("T4ERP-"), batch_no)
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "supplier"), TEST_SUPPLIER)
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "tp_supplier_lot"), "S-9")

	def test_item_rule_beats_item_group_rule_and_supplier_code_token(self):
		if not frappe.db.exists("Item Group", "_TP NR Group"):
			frappe.get_doc(
				{
					"doctype": "Item Group",
					"item_group_name": "_TP NR Group",
					"parent_item_group": "All Item Groups",
				}
			).insert()
		make_item("_TP NR Grouped", has_batch_no=1, item_group="_TP NR Group")
		make_item("_TP NR Special", has_batch_no=1, item_group="_TP NR Group")
		make_naming_rule("_TP NR Group Rule", "Batch", "G-.{supplier_code}.-.###", item_group="_TP NR Group")
		make_naming_rule("_TP NR Special Rule", "Batch", "SPECIAL-.###", item_code="_TP NR Special")
		receipt = make_purchase_receipt(
			[{"item_code": "_TP NR Grouped", "qty": 1}, {"item_code": "_TP NR Special", "qty": 1}]
		)
		# "_TP Test Supplier" has no Lot Code: its first four letters and digits.
		self.assertEqual(receipt.items[0].batch_no, "G-TPTE-001")
		self.assertEqual(receipt.items[1].batch_no, "SPECIAL-001")

	# -- Stock Entry and Stock Reconciliation --------------------------------------------

	def test_material_receipt_repack_and_manufacture_name_new_batches_and_serials(self):
		make_item("_TP NR Bulk", has_batch_no=1, shelf_life_in_days=10)
		make_item("_TP NR Packed", has_serial_no=1)
		make_item("_TP NR Plain")
		make_naming_rule("_TP NR Bulk", "Batch", "T5MR-.####", item_code="_TP NR Bulk")
		make_naming_rule("_TP NR Packed", "Serial No", "T5PK-.####", item_code="_TP NR Packed")

		receipt = make_stock_entry(
			"Material Receipt",
			[
				{
					"item_code": "_TP NR Bulk",
					"qty": 5,
					"t_warehouse": warehouse(),
					"tp_manufacturing_date": "2026-11-01",
				},
				{"item_code": "_TP NR Plain", "qty": 4, "t_warehouse": warehouse()},
			],
		)
		self.assertEqual(batches_of(receipt), ["T5MR-0001"])
		self.assertEqual(str(frappe.db.get_value("Batch", "T5MR-0001", "expiry_date")), "2026-11-11")

		repack = make_stock_entry(
			"Repack",
			[
				{"item_code": "_TP NR Plain", "qty": 4, "s_warehouse": warehouse()},
				{"item_code": "_TP NR Packed", "qty": 2, "t_warehouse": warehouse(), "is_finished_item": 1},
			],
		)
		self.assertEqual(serials_of(repack, "_TP NR Packed"), ["T5PK-0001", "T5PK-0002"])

		make_stock_entry(
			"Material Receipt", [{"item_code": "_TP NR Plain", "qty": 3, "t_warehouse": warehouse()}]
		)
		manufacture = make_stock_entry(
			"Manufacture",
			[
				{"item_code": "_TP NR Plain", "qty": 3, "s_warehouse": warehouse()},
				{
					"item_code": "_TP NR Bulk",
					"qty": 2,
					"t_warehouse": warehouse(),
					"is_finished_item": 1,
					"tp_manufacturing_date": "2026-11-20",
				},
			],
		)
		self.assertEqual(batches_of(manufacture), ["T5MR-0002"])
		self.assertEqual(str(frappe.db.get_value("Batch", "T5MR-0002", "expiry_date")), "2026-11-30")

	def test_opening_stock_by_reconciliation_is_named_by_rule(self):
		make_item("_TP NR Opening Batch", has_batch_no=1)
		make_item("_TP NR Opening Serial", has_serial_no=1)
		make_naming_rule("_TP NR Opening Batch", "Batch", "T6OB-.####", item_code="_TP NR Opening Batch")
		make_naming_rule(
			"_TP NR Opening Serial", "Serial No", "T6OS-.####", item_code="_TP NR Opening Serial"
		)
		reconciliation = make_stock_reconciliation(
			[
				# As in ERPNext: tick Use Serial / Batch Fields and leave the numbers empty.
				{
					"item_code": "_TP NR Opening Batch",
					"qty": 7,
					"tp_supplier_lot": "OLD-LOT",
					"use_serial_batch_fields": 1,
				},
				{"item_code": "_TP NR Opening Serial", "qty": 2, "use_serial_batch_fields": 1},
			]
		)
		self.assertEqual(batches_of(reconciliation), ["T6OB-0001"])
		self.assertEqual(serials_of(reconciliation, "_TP NR Opening Serial"), ["T6OS-0001", "T6OS-0002"])
		self.assertEqual(frappe.db.get_value("Batch", "T6OB-0001", "tp_supplier_lot"), "OLD-LOT")


class TestConcurrentNumbering(IntegrationTestCase):
	"""Four receipts submitted at the same moment, each on its own database connection."""

	RECEIPTS = 4

	def test_concurrent_receipts_get_distinct_numbers_and_all_submit(self):
		make_test_baseline()
		make_item("_TP NR Race Batch", has_batch_no=1)
		make_item("_TP NR Race Serial", has_serial_no=1)
		make_naming_rule("_TP NR Race Batch", "Batch", "RACE-.YY.JJJ.-.####", item_code="_TP NR Race Batch")
		make_naming_rule("_TP NR Race Serial", "Serial No", "RACESN-.######", item_code="_TP NR Race Serial")
		# ERPNext itself cannot take concurrent *first* receipts of an item into a warehouse:
		# _create_bin loses the race and cannot see the winner's Bin under REPEATABLE READ.
		# That is not naming; the items are stocked here already, as in real life.
		from erpnext.stock.utils import get_or_make_bin

		for item_code in ("_TP NR Race Batch", "_TP NR Race Serial"):
			get_or_make_bin(item_code, warehouse())
		frappe.db.commit()  # the other connections must see the items, bins and rules

		site, sites_path = frappe.local.site, frappe.local.sites_path
		start_together = threading.Barrier(self.RECEIPTS)
		# Drafts one at a time: naming the receipts themselves is Frappe's naming series, whose
		# first use of a new prefix deadlocks under concurrent inserts. The submits race.
		one_draft_at_a_time = threading.Lock()
		results: dict[int, str] = {}

		def submit_one(index: int):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				with one_draft_at_a_time:
					receipt = make_purchase_receipt(
						[
							{"item_code": "_TP NR Race Batch", "qty": 2},
							{"item_code": "_TP NR Race Serial", "qty": 25},
						],
						submit=False,
					)
					frappe.db.commit()
				start_together.wait(timeout=60)
				receipt.submit()
				frappe.db.commit()
				results[index] = receipt.name
			except Exception:
				frappe.db.rollback()
				results[index] = RuntimeError(traceback.format_exc())
			finally:
				frappe.destroy()

		threads = [threading.Thread(target=submit_one, args=(index,)) for index in range(self.RECEIPTS)]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=300)

		failures = [str(result) for result in results.values() if isinstance(result, Exception)]
		if failures:
			self.fail(f"{len(failures)} of {self.RECEIPTS} submits failed:\n\n" + "\n\n".join(failures))
		self.assertEqual(len(results), self.RECEIPTS)

		batches, serials = [], []
		for receipt_name in results.values():
			for row in bundle_entries("Purchase Receipt", receipt_name):
				if row.batch_no:
					batches.append(row.batch_no)
				if row.serial_no:
					serials.append(row.serial_no)
		prefix = "RACE-{YY}{JJJ}-".format(**today_parts())
		self.assert_consecutive(batches, prefix, self.RECEIPTS)
		self.assert_consecutive(serials, "RACESN-", 25 * self.RECEIPTS)

	def assert_consecutive(self, names: list[str], prefix: str, count: int):
		"""`count` distinct names of one counter with no gap (the counter may have started earlier)."""
		self.assertEqual(len(names), count)
		self.assertTrue(all(name.startswith(prefix) for name in names), names)
		numbers = sorted(int(name.removeprefix(prefix)) for name in names)
		self.assertEqual(numbers, list(range(numbers[0], numbers[0] + count)))
