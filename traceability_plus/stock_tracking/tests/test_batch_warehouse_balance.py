"""The Batch Warehouse Balance stays equal to the stock ledger through real vouchers:
receipts, transfers, deliveries, a return, a cancel, a repack and a stock count; a repost
recomputes what it touched; the nightly check corrects and logs a drift."""

import threading
import traceback

import frappe
from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_return
from erpnext.stock.utils import get_or_make_bin
from frappe.utils import add_days, nowdate, nowtime

from traceability_plus.core.batch_balance import corrections
from traceability_plus.stock_tracking.batch_warehouse_balance import (
	BALANCE_DOCTYPE,
	MOVEMENTS,
	balance_name,
	enqueue_rebuild,
	ledger_balances,
	ledger_movements,
	rebuild,
	recompute_items,
	stored_balances,
)
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_COMPANY_ABBR,
	batch_made,
	batch_row,
	bundle_entries,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_stock_reconciliation,
	make_test_baseline,
	make_user,
	make_warehouse,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

ITEM = "_TP Balance Item"
PRODUCT = "_TP Balance Product"
LANDED_ITEM = "_TP Balance Landed Item"
RACE_ITEM = "_TP Balance Race Item"
ATTEMPTS = 5


def stored(batch_no: str) -> dict[str, tuple[float, float]]:
	"""Warehouse: (qty, value) of a batch, as the table holds it."""
	rows = frappe.get_all(
		BALANCE_DOCTYPE, filters={"batch_no": batch_no}, fields=["warehouse", "qty", "stock_value"]
	)
	return {row.warehouse: (row.qty, row.stock_value) for row in rows if row.qty or row.stock_value}


def drift(item_codes: list[str]) -> dict:
	"""The balances and months of these items that differ from the ledger's sums."""
	return corrections(stored_balances(item_codes), ledger_balances(item_codes)) | corrections(
		stored_balances(item_codes, MOVEMENTS), ledger_movements(item_codes)
	)


class TestBatchWarehouseBalance(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		make_item(PRODUCT, has_batch_no=1, create_new_batch=1)
		self.stores = warehouse()
		self.shop = make_warehouse("Balance Shop")
		self.receipt = make_purchase_receipt([{"item_code": ITEM, "qty": 10}, {"item_code": ITEM, "qty": 6}])
		lots = {row.qty: row.batch_no for row in bundle_entries("Purchase Receipt", self.receipt.name)}
		self.lot_a, self.lot_b = lots[10], lots[6]
		self.assertTableMatchesLedger()

	def assertTableMatchesLedger(self):
		self.assertEqual(drift([ITEM, PRODUCT, LANDED_ITEM]), {})

	def test_every_voucher_keeps_the_table_equal_to_the_ledger(self):
		make_stock_entry(
			"Material Transfer",
			[{**batch_row(ITEM, self.lot_a, 4), "s_warehouse": self.stores, "t_warehouse": self.shop}],
		)
		self.assertTableMatchesLedger()
		delivery = make_selling_voucher("Delivery Note", [batch_row(ITEM, self.lot_a, 3)])
		self.assertTableMatchesLedger()

		sales_return = make_sales_return(delivery.name)
		sales_return.items[0].qty = -1
		sales_return.posting_date, sales_return.posting_time = nowdate(), nowtime()
		sales_return.insert()
		sales_return.submit()
		self.assertTableMatchesLedger()

		cancelled = make_selling_voucher("Delivery Note", [batch_row(ITEM, self.lot_a, 2)])
		self.assertEqual(stored(self.lot_a)[self.stores][0], 2)
		cancelled.cancel()
		self.assertTableMatchesLedger()

		repack = make_stock_entry(
			"Repack",
			[
				{**batch_row(ITEM, self.lot_b, 2), "s_warehouse": self.stores},
				{"item_code": PRODUCT, "qty": 1, "t_warehouse": self.stores, "is_finished_item": 1},
			],
		)
		product_lot = batch_made(repack, PRODUCT)
		self.assertTableMatchesLedger()

		make_stock_reconciliation([batch_row(ITEM, self.lot_b, 3, valuation_rate=12)])
		self.assertTableMatchesLedger()

		# 10 received - 4 to the shop - 3 sold + 1 returned (a sale of 2 cancelled) = 4.
		self.assertEqual(stored(self.lot_a), {self.stores: (4, 40), self.shop: (4, 40)})
		# 6 received - 2 repacked, counted as 3 at 12.
		self.assertEqual(stored(self.lot_b), {self.stores: (3, 36)})
		self.assertEqual(stored(product_lot), {self.stores: (1, 20)})

	def test_a_repost_recomputes_the_items_it_touched(self):
		make_selling_voucher("Delivery Note", [batch_row(ITEM, self.lot_a, 3)])
		frappe.db.set_value(BALANCE_DOCTYPE, balance_name(self.lot_a, self.stores), "qty", 999)

		reposts_done = frappe.db.count("Repost Item Valuation", {"status": "Completed"})

		# Received yesterday, before today's delivery: ERPNext reposts what came after.
		make_purchase_receipt(
			[{"item_code": ITEM, "qty": 5}], posting_date=add_days(nowdate(), -1), posting_time="10:00:00"
		)
		self.assertEqual(frappe.db.count("Repost Item Valuation", {"status": "Completed"}), reposts_done + 1)
		self.assertEqual(stored(self.lot_a), {self.stores: (7, 70)})
		self.assertTableMatchesLedger()

	def test_a_landed_cost_revalues_the_receipt_batches(self):
		# An item of its own, with nothing posted after the receipt: ERPNext 15 does not
		# repost then (16 may, it depends on its repost queue), so the app recomputes itself.
		make_item(LANDED_ITEM, has_batch_no=1, create_new_batch=1)
		receipt = make_purchase_receipt(
			[{"item_code": LANDED_ITEM, "qty": 10}, {"item_code": LANDED_ITEM, "qty": 6}]
		)
		lots = {row.qty: row.batch_no for row in bundle_entries("Purchase Receipt", receipt.name)}
		landed_cost = frappe.get_doc(
			{
				"doctype": "Landed Cost Voucher",
				"company": TEST_COMPANY,
				"distribute_charges_based_on": "Qty",
				"purchase_receipts": [
					{
						"receipt_document_type": "Purchase Receipt",
						"receipt_document": receipt.name,
						"supplier": receipt.supplier,
						"posting_date": receipt.posting_date,
						"grand_total": receipt.grand_total,
					}
				],
				"taxes": [
					{
						"description": "Freight",
						"expense_account": f"Expenses Included In Valuation - {TEST_COMPANY_ABBR}",
						"amount": 32,
					}
				],
			}
		)
		landed_cost.get_items_from_purchase_receipts()
		landed_cost.insert(ignore_permissions=True)
		landed_cost.submit()

		# 32 over 16 units: 2 more each.
		self.assertEqual(stored(lots[10]), {self.stores: (10, 120)})
		self.assertEqual(stored(lots[6]), {self.stores: (6, 72)})
		self.assertTableMatchesLedger()

		# With the company's perpetual inventory, the GL entries that ERPNext submits between
		# taking back the receipt and posting it again happen to apply each half at its own
		# values. Without them only a recompute is right; a drift planted here shows that one
		# runs (with the landed cost hook switched off, ERPNext 15 leaves it: -19, not 100).
		frappe.db.set_value(BALANCE_DOCTYPE, balance_name(lots[10], self.stores), "stock_value", 1)
		landed_cost.cancel()
		self.assertEqual(stored(lots[10]), {self.stores: (10, 100)})
		self.assertTableMatchesLedger()

	def test_the_nightly_check_corrects_a_drift_and_logs_it(self):
		frappe.db.set_value(BALANCE_DOCTYPE, balance_name(self.lot_b, self.stores), "stock_value", 1)
		stray = frappe.get_doc(
			{
				"doctype": BALANCE_DOCTYPE,
				"item_code": ITEM,
				"batch_no": self.lot_a,
				"warehouse": self.shop,
				"company": TEST_COMPANY,
				"qty": 5,
			}
		).insert(ignore_permissions=True)
		errors_before = frappe.db.count("Error Log")

		self.assertEqual(rebuild(log_corrections=True, in_own_transaction=False), 2)

		self.assertEqual(stored(self.lot_a), {self.stores: (10, 100)})
		self.assertEqual(stored(self.lot_b), {self.stores: (6, 60)})
		self.assertFalse(frappe.db.exists(BALANCE_DOCTYPE, stray.name))
		self.assertTableMatchesLedger()
		self.assertEqual(frappe.db.count("Error Log"), errors_before + 1)
		log = frappe.get_last_doc("Error Log")
		self.assertIn("2 balances corrected", log.method)
		self.assertIn(f"{self.lot_a} / {self.shop}: 0", log.error)
		# Nothing more to correct the second time.
		self.assertEqual(rebuild(in_own_transaction=False), 0)

	def test_an_item_with_more_batches_than_a_chunk_is_checked_a_slice_at_a_time(self):
		from unittest.mock import patch

		from traceability_plus.stock_tracking import batch_warehouse_balance

		for lot in (self.lot_a, self.lot_b):
			frappe.db.set_value(BALANCE_DOCTYPE, balance_name(lot, self.stores), "qty", 999)
		with patch.object(batch_warehouse_balance, "BATCHES_PER_RECOMPUTE", 1):
			self.assertEqual(rebuild(in_own_transaction=False), 2)
		self.assertEqual(stored(self.lot_a), {self.stores: (10, 100)})
		self.assertEqual(stored(self.lot_b), {self.stores: (6, 60)})
		self.assertTableMatchesLedger()

	def test_only_a_system_manager_may_start_the_check(self):
		frappe.set_user(make_user("tp.balance.stock.manager@example.com", "Stock Manager"))
		try:
			with self.assertRaises(frappe.PermissionError):
				enqueue_rebuild()
		finally:
			frappe.set_user("Administrator")


class TestConcurrentBalances(IntegrationTestCase):
	"""Four transfers of one batch out of one warehouse submitted at the same moment, each on
	its own database connection, while the nightly check recomputes the item on a fifth."""

	TRANSFERS = 4

	def test_concurrent_vouchers_and_check_leave_the_table_equal_to_the_ledger(self):
		make_test_baseline()
		make_item(RACE_ITEM, has_batch_no=1, create_new_batch=1)
		stores, shop = warehouse(), make_warehouse("Balance Race Shop")
		receipt = make_purchase_receipt([{"item_code": RACE_ITEM, "qty": 40}])
		lot = batch_made(receipt, RACE_ITEM)
		# ERPNext cannot take concurrent first receipts into a warehouse (_create_bin); the
		# shop is stocked with the item here already, as in real life.
		get_or_make_bin(RACE_ITEM, shop)
		frappe.db.commit()  # the other connections must see the item, lot and bins

		site, sites_path = frappe.local.site, frappe.local.sites_path
		start_together = threading.Barrier(self.TRANSFERS + 1)
		# Drafts one at a time: Frappe's naming series deadlocks on a new prefix; the submits race.
		one_draft_at_a_time = threading.Lock()
		failures: list[str] = []
		retries: list[str] = []

		def on_own_connection(work):
			frappe.init(site=site, sites_path=sites_path)
			frappe.connect()
			try:
				frappe.set_user("Administrator")
				work()
				frappe.db.commit()
			except Exception:
				frappe.db.rollback()
				failures.append(traceback.format_exc())
			finally:
				frappe.destroy()

		def transfer():
			with one_draft_at_a_time:
				name = make_stock_entry(
					"Material Transfer",
					[{**batch_row(RACE_ITEM, lot, 3), "s_warehouse": stores, "t_warehouse": shop}],
					submit=False,
				).name
				frappe.db.commit()
			start_together.wait(timeout=60)
			for _attempt in range(ATTEMPTS):
				try:
					frappe.get_doc("Stock Entry", name).submit()
					return
				except frappe.QueryDeadlockError:
					# ERPNext's own: two outward entries of one item lock each other out
					# (a locking read of its bundles against a bundle insert). A user submits
					# again; what the failed attempt noted must not reach the table.
					frappe.db.rollback()
					retries.append(name)
			raise AssertionError(f"{name} deadlocked {ATTEMPTS} times")

		def check():
			start_together.wait(timeout=60)
			recompute_items([RACE_ITEM])

		threads = [
			threading.Thread(target=on_own_connection, args=(transfer,)) for _ in range(self.TRANSFERS)
		]
		threads.append(threading.Thread(target=on_own_connection, args=(check,)))
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=300)

		if failures:
			self.fail(f"{len(failures)} failed:\n\n" + "\n\n".join(failures))
		frappe.db.commit()  # a fresh snapshot, to read what the threads committed
		self.assertEqual(stored(lot), {stores: (28, 280), shop: (12, 120)})
		self.assertEqual(drift([RACE_ITEM]), {})
		print(f"concurrent transfers: {len(retries)} submits retried after a deadlock in ERPNext")
