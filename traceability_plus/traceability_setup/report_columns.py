"""Columns that the app's reports share, so a batch or a voucher looks the same in each."""

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, fmt_money, strip_html_tags


def column(label: str, fieldname: str, fieldtype: str = "Data", options: str | None = None, width: int = 120):
	"""A report column; the caller translates `label`, so the extractor finds the string."""
	definition = {"label": label, "fieldname": fieldname, "fieldtype": fieldtype, "width": width}
	if options:
		definition["options"] = options
	return definition


def item_columns() -> list[dict]:
	return [
		column(_("Item"), "item_code", "Link", "Item", 150),
		column(_("Item Name"), "item_name", width=150),
	]


def batch_column() -> dict:
	return column(_("Batch No"), "batch_no", "Link", "Batch", 140)


def serial_column() -> dict:
	return column(_("Serial No"), "serial_no", "Link", "Serial No", 140)


def warehouse_column() -> dict:
	return column(_("Warehouse"), "warehouse", "Link", "Warehouse", 150)


def voucher_columns() -> list[dict]:
	return [
		column(_("Voucher Type"), "voucher_type", "Data", width=130),
		# Wide enough for a whole number such as MAT-STE-2026-00001 with the link icon.
		column(_("Voucher No"), "voucher_no", "Dynamic Link", "voucher_type", 210),
	]


def party_columns() -> list[dict]:
	return [
		column(_("Party Type"), "party_type", "Data", width=105),
		column(_("Party"), "party", "Dynamic Link", "party_type", 160),
	]


def uom_column() -> dict:
	# Data, not a Link: Frappe would then filter the rows by the user's read permission on
	# UOM, which the roles the reports serve need not have.
	return column(_("UOM"), "stock_uom", "Data", width=70)


def number_text(value: float) -> str:
	"""A quantity in a sentence, as the desk shows it in a card: 100, not 100.0 nor 100.000."""
	value = flt(value)
	precision = 0 if value == int(value) else (cint(frappe.db.get_default("float_precision")) or 3)
	return fmt_money(value, precision=precision)


def expiry_columns() -> list[dict]:
	return [
		column(_("Expiry Date"), "expiry_date", "Date", width=110),
		column(_("Days To Expiry"), "days_to_expiry", "Int", width=90),
	]


def shown_as_text(value: str | None) -> str | None:
	"""User text for a report cell: the grid shows a cell as HTML, and text written with
	`frappe.db.set_value` or on a submitted document was never cleaned by Frappe. Tags of
	rich text (a Warranty Claim's complaint) are dropped; what is left shows as typed."""
	if not value:
		return value
	return escape_html(strip_html_tags(value))
