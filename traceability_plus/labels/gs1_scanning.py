"""Scanning GS1 element strings (GS1-128, GS1 DataMatrix) into stock vouchers.

ERPNext's scan looks a scanned text up as an item barcode, a serial number, a batch or a
warehouse. A GS1 element string is none of those as a whole: it carries the item's GTIN
and the lot's data. The scan is answered here for GS1 strings, and by ERPNext for the
rest, so plain barcodes keep working exactly as before.
"""

import frappe
from frappe import _
from frappe.utils import escape_html

from traceability_plus.core import gs1
from traceability_plus.traceability_setup import compat


@frappe.whitelist()
def scan_barcode(search_value: str, ctx: dict | str | None = None) -> dict:
	"""ERPNext's scan_barcode, knowing GS1 element strings."""
	if not gs1.looks_like_gs1(search_value):
		return compat.erpnext_scan_barcode(search_value, ctx)
	lot = _scanned_lot(search_value)
	if not lot.gtin:
		frappe.throw(_("The scanned GS1 barcode has no GTIN (01): scan the item's own label."))
	item = item_of_gtin(lot.gtin)
	if not item:
		return {}
	# The row keeps the scanned text as its barcode; the form fills the lot fields from it.
	result = {"item_code": item.item_code, "barcode": search_value, "uom": item.uom}
	if lot.batch and frappe.db.exists("Batch", {"name": lot.batch, "item": item.item_code}):
		result["batch_no"] = lot.batch
	if lot.serial and frappe.db.exists("Serial No", {"name": lot.serial, "item_code": item.item_code}):
		result["serial_no"] = lot.serial
	return compat.erpnext_update_item_info(result, ctx)


@frappe.whitelist()
def parse_scanned_lot(scanned: str) -> dict:
	"""The Purchase Receipt Item fields a scanned GS1 element string fills: supplier lot,
	dates and a new serial number. Empty for a plain barcode."""
	if not gs1.looks_like_gs1(scanned):
		return {}
	lot = _scanned_lot(scanned)
	values = {}
	if lot.batch:
		values["tp_supplier_lot"] = lot.batch
	if lot.production_date:
		values["tp_manufacturing_date"] = lot.production_date
	if lot.expiry_date:
		values["tp_expiry_date"] = lot.expiry_date
	if lot.serial:
		values["serial_no"] = lot.serial
		values["use_serial_batch_fields"] = 1
	return values


def fill_rows_from_scans(doc, method=None):
	"""Before a Purchase Receipt is saved (over the API or an import, too), fill the lot
	fields of rows whose barcode is a GS1 element string and whose fields are still empty."""
	for row in doc.get("items"):
		if not row.get("barcode") or not gs1.looks_like_gs1(row.barcode):
			continue
		for fieldname, value in parse_scanned_lot(row.barcode).items():
			if not row.get(fieldname):
				row.set(fieldname, value)


def item_of_gtin(gtin14: str) -> frappe._dict | None:
	"""The item whose barcode is this GTIN, however it was typed: GTIN-14, EAN-13, UPC-A, GTIN-8."""
	candidates = {gtin14, gtin14.lstrip("0")}
	candidates |= {gtin14[-length:] for length in (8, 12, 13) if gtin14[: 14 - length].strip("0") == ""}
	return frappe.db.get_value(
		"Item Barcode",
		{"barcode": ("in", list(candidates)), "parenttype": "Item"},
		["parent as item_code", "uom"],
		as_dict=True,
	)


def _scanned_lot(scanned: str) -> gs1.ScannedLot:
	try:
		return gs1.scanned_lot(scanned)
	except gs1.GS1Error as error:
		# The error quotes what was scanned: text, never markup.
		frappe.throw(
			_("The scanned barcode is not a valid GS1 element string: {0}").format(escape_html(str(error)))
		)
