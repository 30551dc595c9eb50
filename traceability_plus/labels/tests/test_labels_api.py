"""Print Labels from real documents: the PDF is decoded back, barcode by barcode."""

import frappe
import pypdfium2
import zxingcpp
from frappe.utils import add_days, getdate, nowdate
from stdnum import ean

from traceability_plus.core.gs1 import yymmdd
from traceability_plus.labels.gs1_scanning import item_of_gtin, parse_scanned_lot, scan_barcode
from traceability_plus.labels.printing import (
	BACKGROUND_THRESHOLD,
	LabelSource,
	download_labels,
	enqueue_labels,
	get_label_count,
	label_sources,
)
from traceability_plus.tests.utils import (
	bundle_entries,
	make_item,
	make_purchase_receipt,
	make_selling_voucher,
	make_stock_entry,
	make_test_baseline,
	warehouse,
)
from traceability_plus.traceability_setup.compat import IntegrationTestCase

BATCH_ITEM = "_TP Label Batch"
SERIAL_ITEM = "_TP Label Serial"
GTIN_ITEM = "_TP Label GTIN"
BAD_GTIN_ITEM = "_TP Label Bad GTIN"
GTIN_13 = "950600013435" + ean.calc_check_digit("950600013435")  # GS1's example EAN-13
GS1_TEMPLATE = "_TP GS1 Test Label"
NO_READ_USER = "tp-label-outsider@example.com"


def decoded(pdf: bytes) -> list[tuple[str, str]]:
	"""(symbology identifier, text as a scanner sends it) of every barcode, page by page."""
	found = []
	for page in pypdfium2.PdfDocument(pdf):
		image = page.render(scale=600 / 72).to_pil()
		for result in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain):
			found.append((result.symbology_identifier, result.text))
	return found


def download(doctype, name, **args):
	frappe.local.response = frappe._dict()
	download_labels(doctype, name, **args)
	response = frappe.local.response
	assert response.type == "download" and response.filename.endswith(".pdf")
	return response.filecontent


class TestPrintLabels(IntegrationTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_baseline()
		make_item(BATCH_ITEM, has_batch_no=1, create_new_batch=1)
		make_item(SERIAL_ITEM, has_serial_no=1, serial_no_series="TPL-.#####")
		make_item(
			GTIN_ITEM,
			has_batch_no=1,
			create_new_batch=1,
			barcodes=[{"barcode": GTIN_13, "barcode_type": "EAN"}],
		)
		make_item(BAD_GTIN_ITEM, barcodes=[{"barcode": GTIN_13[:-1] + str((int(GTIN_13[-1]) + 1) % 10)}])
		if not frappe.db.exists("Label Template", GS1_TEMPLATE):
			frappe.get_doc(
				{
					"doctype": "Label Template",
					"template_name": GS1_TEMPLATE,
					"page_preset": "Custom",
					"page_width_mm": 100,
					"page_height_mm": 40,
					"symbology": "GS1-128",
				}
			).insert()

	def test_a_new_site_has_a_default_template(self):
		default = frappe.db.get_single_value("Traceability Settings", "default_label_template")
		self.assertEqual(default, "Thermal 50 x 25 mm")
		template = frappe.get_doc("Label Template", default)
		self.assertEqual((template.page_width_mm, template.page_height_mm), (50, 25))

	def test_a_template_with_no_room_for_its_labels_is_refused(self):
		template = frappe.get_doc(
			{
				"doctype": "Label Template",
				"template_name": "_TP Too Many Rows",
				"page_preset": "Custom",
				"page_width_mm": 50,
				"page_height_mm": 25,
				"rows": 20,
			}
		)
		with self.assertRaises(frappe.ValidationError):
			template.insert()

	def test_a_purchase_receipt_prints_every_batch_unit_and_serial_it_received(self):
		receipt = make_purchase_receipt(
			[{"item_code": BATCH_ITEM, "qty": 3}, {"item_code": SERIAL_ITEM, "qty": 2}]
		)
		batch_no = next(
			row.batch_no for row in bundle_entries("Purchase Receipt", receipt.name) if row.batch_no
		)
		serial_nos = sorted(
			row.serial_no for row in bundle_entries("Purchase Receipt", receipt.name) if row.serial_no
		)
		planned = get_label_count("Purchase Receipt", receipt.name)
		self.assertEqual(planned["count"], 5)
		# The dialog's preview is the first label: the batch's item name and number.
		self.assertTrue(planned["preview"].startswith("<svg"))
		self.assertIn(batch_no, planned["preview"])
		texts = sorted(text for _identifier, text in decoded(download("Purchase Receipt", receipt.name)))
		self.assertEqual(texts, sorted([batch_no] * 3 + serial_nos))
		# One per row instead of one per unit: the batch once.
		self.assertEqual(
			get_label_count("Purchase Receipt", receipt.name, batch_copies="One per Row")["count"], 3
		)

	def test_gs1_128_label_carries_gtin_expiry_and_batch_with_fnc1(self):
		expiry = add_days(nowdate(), 90)
		receipt = make_purchase_receipt([{"item_code": GTIN_ITEM, "qty": 1, "tp_expiry_date": expiry}])
		batch_no = bundle_entries("Purchase Receipt", receipt.name)[0].batch_no
		pdf = download("Batch", batch_no, template=GS1_TEMPLATE)
		self.assertEqual(
			decoded(pdf), [("]C1", "01" + "0" + GTIN_13 + "17" + yymmdd(getdate(expiry)) + "10" + batch_no)]
		)

	def test_wrong_check_digit_and_missing_gtin_are_refused_clearly(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			download("Item", BAD_GTIN_ITEM, template=GS1_TEMPLATE)
		self.assertIn("check digit", str(refused.exception))
		with self.assertRaises(frappe.ValidationError) as refused:
			download("Item", BATCH_ITEM, template=GS1_TEMPLATE)
		self.assertIn("GTIN", str(refused.exception))
		# A Code 128 label does not need the GTIN, so the wrong barcode does not stop it.
		self.assertEqual(
			decoded(download("Item", BAD_GTIN_ITEM, template="A4 Sheet 3 x 8")), [("]C0", BAD_GTIN_ITEM)]
		)

	def test_item_serial_delivery_and_stock_entry_labels(self):
		self.assertEqual(decoded(download("Item", BATCH_ITEM)), [("]C0", BATCH_ITEM)])

		receipt = make_purchase_receipt(
			[{"item_code": SERIAL_ITEM, "qty": 1}, {"item_code": BATCH_ITEM, "qty": 4}]
		)
		serial_no = next(
			row.serial_no for row in bundle_entries("Purchase Receipt", receipt.name) if row.serial_no
		)
		self.assertEqual(decoded(download("Serial No", serial_no)), [("]C0", serial_no)])

		batch_no = next(
			row.batch_no for row in bundle_entries("Purchase Receipt", receipt.name) if row.batch_no
		)
		delivery = make_selling_voucher(
			"Delivery Note",
			[{"item_code": BATCH_ITEM, "qty": 2, "batch_no": batch_no, "use_serial_batch_fields": 1}],
		)
		self.assertEqual(label_sources(delivery), [LabelSource(BATCH_ITEM, batch_no, None, 2)])

		transfer = make_stock_entry(
			"Material Transfer",
			[
				{
					"item_code": BATCH_ITEM,
					"qty": 1,
					"batch_no": batch_no,
					"use_serial_batch_fields": 1,
					"s_warehouse": warehouse(),
					"t_warehouse": warehouse("Finished Goods"),
				}
			],
		)
		self.assertEqual(decoded(download("Stock Entry", transfer.name)), [("]C0", batch_no)])

	def test_a_user_who_cannot_read_the_document_gets_no_labels(self):
		receipt = make_purchase_receipt([{"item_code": BATCH_ITEM, "qty": 1}])
		if not frappe.db.exists("User", NO_READ_USER):
			frappe.get_doc(
				{"doctype": "User", "email": NO_READ_USER, "first_name": "Outsider", "send_welcome_email": 0}
			).insert(ignore_permissions=True)
		frappe.set_user(NO_READ_USER)
		try:
			with self.assertRaises(frappe.PermissionError):
				download("Purchase Receipt", receipt.name)
		finally:
			frappe.set_user("Administrator")

	def test_bad_arguments_are_refused(self):
		with self.assertRaises(frappe.ValidationError):
			get_label_count("Sales Order", "X")
		with self.assertRaises(frappe.PermissionError):
			get_label_count("Item", "_TP no such item")
		with self.assertRaises(frappe.ValidationError):
			get_label_count("Item", BATCH_ITEM, batch_copies="Two per Unit")

	def test_a_big_run_is_rendered_in_the_background_and_attached(self):
		qty = BACKGROUND_THRESHOLD + 20
		receipt = make_purchase_receipt([{"item_code": BATCH_ITEM, "qty": qty}])
		# A request may lower a template's labels per row, never raise it.
		for template in ("Thermal 50 x 25 mm", "A4 Sheet 3 x 8"):
			frappe.db.set_value("Label Template", template, "max_labels_per_row", 1000)
		planned = get_label_count("Purchase Receipt", receipt.name, max_per_row=1000)
		self.assertEqual((planned["count"], planned["background"]), (qty, True))
		with self.assertRaises(frappe.ValidationError):
			download("Purchase Receipt", receipt.name, max_per_row=1000)

		enqueue_labels("Purchase Receipt", receipt.name, template="A4 Sheet 3 x 8", max_per_row=1000)
		attachment = frappe.get_last_doc(
			"File", filters={"attached_to_doctype": "Purchase Receipt", "attached_to_name": receipt.name}
		)
		with open(attachment.get_full_path(), "rb") as pdf:
			pages = pypdfium2.PdfDocument(pdf.read())
		self.assertEqual(len(pages), -(-qty // 24))
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"document_type": "Purchase Receipt", "document_name": receipt.name}
			)
		)


class TestGS1Scanning(IntegrationTestCase):
	def setUp(self):
		make_test_baseline()
		make_item(
			GTIN_ITEM,
			has_batch_no=1,
			create_new_batch=1,
			barcodes=[{"barcode": GTIN_13, "barcode_type": "EAN"}],
		)

	def test_scan_finds_the_item_by_gtin_and_keeps_plain_barcodes_working(self):
		scanned = "]C1" + "01" + "0" + GTIN_13 + "17271231" + "10SUP-LOT-7"
		result = scan_barcode(scanned)
		self.assertEqual((result["item_code"], result["barcode"]), (GTIN_ITEM, scanned))
		self.assertEqual(item_of_gtin("0" + GTIN_13).item_code, GTIN_ITEM)
		# Our own label on an outward voucher: the batch it names is picked.
		receipt = make_purchase_receipt([{"item_code": GTIN_ITEM, "qty": 1}])
		batch_no = bundle_entries("Purchase Receipt", receipt.name)[0].batch_no
		self.assertEqual(scan_barcode("]C1" + "01" + "0" + GTIN_13 + "10" + batch_no)["batch_no"], batch_no)
		# A plain EAN scan is ERPNext's own answer.
		self.assertEqual(scan_barcode(GTIN_13)["item_code"], GTIN_ITEM)

	def test_scanned_lot_fills_supplier_lot_and_expiry_of_the_receipt_row(self):
		scanned = "]C1" + "01" + "0" + GTIN_13 + "11260101" + "17271231" + "10SUP-LOT-7" + "\x1d" + "21X1"
		self.assertEqual(
			parse_scanned_lot(scanned),
			{
				"tp_supplier_lot": "SUP-LOT-7",
				"tp_manufacturing_date": getdate("2026-01-01"),
				"tp_expiry_date": getdate("2027-12-31"),
				"serial_no": "X1",
				"use_serial_batch_fields": 1,
			},
		)
		receipt = make_purchase_receipt(
			[{"item_code": GTIN_ITEM, "qty": 2, "barcode": "(01)0" + GTIN_13 + "(17)271231(10)SUP-LOT-8"}],
			submit=False,
		)
		row = receipt.items[0]
		self.assertEqual(
			(row.tp_supplier_lot, getdate(row.tp_expiry_date)), ("SUP-LOT-8", getdate("2027-12-31"))
		)
		receipt.submit()
		batch_no = bundle_entries("Purchase Receipt", receipt.name)[0].batch_no
		self.assertEqual(frappe.db.get_value("Batch", batch_no, "tp_supplier_lot"), "SUP-LOT-8")

	def test_a_broken_gs1_scan_is_refused_clearly(self):
		with self.assertRaises(frappe.ValidationError) as refused:
			scan_barcode("]C1" + "01" + "0" + GTIN_13[:-1] + "0" + "10X")
		self.assertIn("GS1", str(refused.exception))
