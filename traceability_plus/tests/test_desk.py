"""The desk: the Traceability workspace, its cards and chart, the app's reports in ERPNext's
Stock workspace, the onboarding, and the whitelisted functions behind the buttons, each
tried as the least-privileged user who could misuse it."""

import frappe
from frappe.desk.desktop import get_desktop_page
from frappe.utils import add_days, nowdate

from traceability_plus.recall.desk_cards import last_drill_time_to_trace
from traceability_plus.recall.doctype.product_recall.test_product_recall import make_recall
from traceability_plus.recall.tracing import voucher_lots
from traceability_plus.stock_tracking.desk_cards import batches_expiring_soon, expired_batches_in_stock
from traceability_plus.stock_tracking.holds import hold
from traceability_plus.stock_tracking.report.batch_expiry_status.batch_expiry_status import execute
from traceability_plus.tests.test_security_report_permissions import limit
from traceability_plus.tests.utils import (
	TEST_COMPANY,
	TEST_CUSTOMER,
	batch_made,
	batch_row,
	make_customer,
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
from traceability_plus.traceability_setup.desk import (
	REPORTS_IN_STOCK_WORKSPACE,
	SERIAL_AND_BATCH_CARD,
	add_reports_to_stock_workspace,
	workspace_links,
)

ITEM = "_TP Desk Batch Item"
STOCK_USER = "tp.desk.stockuser@example.com"
ACCOUNTS_USER = "tp.desk.accounts@example.com"


def receive(qty: float, expiry_in_days: int) -> str:
	receipt = make_purchase_receipt(
		[{"item_code": ITEM, "qty": qty, "tp_expiry_date": add_days(nowdate(), expiry_in_days)}]
	)
	return batch_made(receipt, ITEM)


def batches_in_report(**filters) -> set[str]:
	_columns, rows, *_rest = execute({"company": TEST_COMPANY, **filters})
	return {row["batch_no"] for row in rows}


class TestTraceabilityDesk(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(ITEM, has_batch_no=1, create_new_batch=1)
		# ERPNext reads the scrubbed key for a default that is also a user permission key.
		frappe.defaults.set_user_default("company", TEST_COMPANY)
		self.soon = receive(5, 10)
		self.expired = receive(4, -2)
		self.shop = make_warehouse("Desk Shop")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_the_workspace_shows_its_cards_chart_shortcuts_and_every_report(self):
		page = get_desktop_page(frappe.as_json({"name": "Traceability", "title": "Traceability"}))
		cards = {card.number_card_name for card in page["number_cards"]["items"]}
		self.assertEqual(
			cards,
			{
				"Batches On Hold",
				"Batches Expiring Soon",
				"Expired Batches In Stock",
				"Open Recalls",
				"Last Drill Time To Trace",
			},
		)
		self.assertEqual([c.chart_name for c in page["charts"]["items"]], ["Stock Value Expiring Per Week"])
		shortcuts = {s.link_to for s in page["shortcuts"]["items"]}
		self.assertLessEqual(
			{
				"Product Recall",
				"Recall Trace",
				"Batch Expiry Status",
				"Tracking Naming Rule",
				"Label Template",
			},
			shortcuts,
		)
		linked_reports = {
			link.link_to
			for card in page["cards"]["items"]
			for link in card.links
			if link.link_type == "Report"
		}
		app_reports = set(frappe.get_all("Report", filters={"module": ("in", app_modules())}, pluck="name"))
		self.assertEqual(linked_reports, app_reports)
		onboarding = frappe.get_doc("Module Onboarding", "Traceability")
		self.assertEqual(
			[
				frappe.db.get_value("Onboarding Step", row.step, "reference_document")
				for row in onboarding.steps
			],
			["Traceability Settings", "Tracking Naming Rule", "Label Template", "Product Recall"],
		)

	def test_the_expiry_cards_count_what_their_report_shows(self):
		soon = batches_expiring_soon()
		expired = expired_batches_in_stock()
		self.assertEqual(soon["value"], len(batches_in_report(expiry="Expiring Soon")))
		self.assertEqual(expired["value"], len(batches_in_report(expiry="Expired")))
		self.assertIn(self.soon, batches_in_report(**soon["route_options"]))
		self.assertIn(self.expired, batches_in_report(**expired["route_options"]))
		self.assertEqual(soon["route"], ["query-report", "Batch Expiry Status"])
		# A held batch that expires soon still counts as expiring soon.
		before = batches_expiring_soon()["value"]
		hold("Batch", self.soon, "Lab check")
		self.assertEqual(batches_expiring_soon()["value"], before)

	def test_the_expiry_cards_count_only_warehouses_the_user_may_read(self):
		make_stock_entry(
			"Material Transfer",
			[{**batch_row(ITEM, self.soon, 5), "s_warehouse": warehouse(), "t_warehouse": self.shop}],
		)
		make_user(STOCK_USER, "Stock User")
		limit(STOCK_USER, "Warehouse", warehouse())
		frappe.set_user(STOCK_USER)
		frappe.defaults.set_user_default("company", TEST_COMPANY)
		self.assertNotIn(self.soon, batches_in_report(expiry="Expiring Soon"))
		self.assertEqual(batches_expiring_soon()["value"], len(batches_in_report(expiry="Expiring Soon")))
		frappe.set_user("Administrator")
		self.assertIn(self.soon, batches_in_report(expiry="Expiring Soon"))

	def test_a_user_who_may_not_run_the_report_gets_no_count(self):
		make_user(ACCOUNTS_USER, "Accounts User")
		frappe.set_user(ACCOUNTS_USER)
		for card in (batches_expiring_soon, expired_batches_in_stock, last_drill_time_to_trace):
			with self.assertRaises(frappe.PermissionError):
				card({"company": TEST_COMPANY})

	def test_the_drill_card_shows_the_last_completed_drill_the_user_may_read(self):
		from traceability_plus.recall.doctype.product_recall.product_recall import complete_drill

		first = make_recall(self.soon, recall_type="Mock Recall")
		complete_drill(first.name)
		second = make_recall(self.expired, recall_type="Mock Recall")
		complete_drill(second.name)
		frappe.db.set_value("Product Recall", first.name, "time_to_trace", 42)
		frappe.db.set_value("Product Recall", second.name, "time_to_trace", 7)
		card = last_drill_time_to_trace()
		self.assertEqual((card["value"], card["route"]), (7, ["Form", "Product Recall", second.name]))
		quality = make_user("tp.desk.quality@example.com", "Quality Manager")
		limit(quality, "Product Recall", first.name)
		frappe.set_user(quality)
		self.assertEqual(last_drill_time_to_trace()["value"], 42)

	def test_the_reports_are_in_the_stock_workspace_once(self):
		add_reports_to_stock_workspace()  # a second time, as every migrate does
		links = workspace_links("Stock")
		start = next(i for i, row in enumerate(links) if row.label == SERIAL_AND_BATCH_CARD)
		end = next(i for i in range(start + 1, len(links)) if links[i].type == "Card Break")
		in_card = [row.link_to for row in links[start + 1 : end]]
		for report in REPORTS_IN_STOCK_WORKSPACE:
			self.assertEqual(in_card.count(report), 1, report)
		self.assertEqual([row.idx for row in links], list(range(1, len(links) + 1)))
		# The card shows them to a Stock User, who may run them.
		make_user(STOCK_USER, "Stock User")
		frappe.set_user(STOCK_USER)
		page = get_desktop_page(frappe.as_json({"name": "Stock", "title": "Stock"}))
		card = next(c for c in page["cards"]["items"] if c.label == SERIAL_AND_BATCH_CARD)
		self.assertLessEqual(set(REPORTS_IN_STOCK_WORKSPACE), {link.link_to for link in card.links})

	def test_trace_lots_lists_the_lots_a_voucher_posted_to_whoever_may_read_it(self):
		delivery = make_selling_voucher("Delivery Note", [batch_row(ITEM, self.soon, 2)])
		lots = voucher_lots("Delivery Note", delivery.name)
		self.assertEqual(
			[(lot.item_code, lot.batch_no, lot.qty, lot.stock_uom) for lot in lots],
			[(ITEM, self.soon, 2, "Nos")],
		)
		with self.assertRaises(frappe.ValidationError):
			voucher_lots("Sales Order", delivery.name)
		# Another customer's delivery is not this Stock User's to read: the same answer as
		# for a voucher that does not exist.
		make_user(STOCK_USER, "Stock User")
		limit(STOCK_USER, "Customer", make_customer("_TP Desk Other Customer"))
		frappe.set_user(STOCK_USER)
		with self.assertRaises(frappe.PermissionError) as forbidden:
			voucher_lots("Delivery Note", delivery.name)
		with self.assertRaises(frappe.PermissionError) as missing:
			voucher_lots("Delivery Note", "MAT-DN-NOPE")
		self.assertEqual(
			str(forbidden.exception).replace(delivery.name, "X"),
			str(missing.exception).replace("MAT-DN-NOPE", "X"),
		)
		self.assertEqual(delivery.customer, TEST_CUSTOMER)


def app_modules() -> list[str]:
	return frappe.get_all("Module Def", filters={"app_name": "traceability_plus"}, pluck="name")


class TestTranslations(IntegrationTestCase):
	def test_the_shipped_translations_are_what_the_desk_shows(self):
		from frappe.gettext.translate import compile_translations, get_translations_from_mo

		# What `bench build` does for every app: the .po files compiled where Frappe reads them.
		compile_translations("traceability_plus", force=True)
		for lang, expected in (
			("de", "Mengen je Einheit"),
			("fr", "Quantités par unité"),
			("es", "Cantidades por unidad"),
		):
			self.assertEqual(
				get_translations_from_mo(lang, "traceability_plus")["Quantities By Unit"], expected
			)
