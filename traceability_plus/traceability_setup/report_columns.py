"""Columns that the app's reports share, so a batch or a voucher looks the same in each."""

from frappe import _
from frappe.utils import escape_html, strip_html_tags


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
		column(_("Voucher Type"), "voucher_type", "Data", width=140),
		column(_("Voucher No"), "voucher_no", "Dynamic Link", "voucher_type", 170),
	]


def party_columns() -> list[dict]:
	return [
		column(_("Party Type"), "party_type", "Data", width=90),
		column(_("Party"), "party", "Dynamic Link", "party_type", 160),
	]


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
