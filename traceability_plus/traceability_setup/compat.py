"""The few differences between Frappe/ERPNext v15 and v16, in one place."""

import inspect

try:  # v16: the test base classes moved to frappe.tests
	from frappe.tests import IntegrationTestCase
except ImportError:  # v15
	from frappe.tests.utils import FrappeTestCase as IntegrationTestCase

__all__ = [
	"IntegrationTestCase",
	"erpnext_scan_barcode",
	"erpnext_update_item_info",
	"item_details_request",
	"quantity_held_by_pick_list_item",
]


def erpnext_scan_barcode(search_value: str, ctx=None) -> dict:
	"""ERPNext's own barcode scan. v15 takes the form's context (company, warehouse) for
	the item's default warehouse; v16 takes the scanned text only."""
	from erpnext.stock.utils import scan_barcode

	if _takes_context(scan_barcode):
		return scan_barcode(search_value, ctx)
	return scan_barcode(search_value)


def erpnext_update_item_info(scan_result: dict, ctx=None) -> dict:
	"""Add ERPNext's item details (batch/serial flags, default warehouse) to a scan result."""
	from erpnext.stock.utils import _update_item_info

	if _takes_context(_update_item_info):
		import frappe

		return _update_item_info(scan_result, frappe.parse_json(ctx) if ctx else None)
	return _update_item_info(scan_result)


def _takes_context(function) -> bool:
	return len(inspect.signature(function).parameters) > 1


def item_details_request(ctx: dict, doc: dict | None = None) -> dict:
	"""The keyword arguments of ERPNext's get_item_details as the desk sends them: v15 names
	the row's context `args`, v16 `ctx`."""
	from erpnext.stock.get_item_details import get_item_details

	first = next(iter(inspect.signature(get_item_details).parameters))
	return {first: ctx, "doc": doc}


def quantity_held_by_pick_list_item(location):
	"""The quantity a Pick List Item holds, as ERPNext counts it when it sets another
	list's locations: v15 takes off what a submitted list has delivered already
	(Pick List Item.delivered_qty); v16 has no such column."""
	import frappe
	from frappe.query_builder import Case

	if frappe.db.has_column("Pick List Item", "delivered_qty"):
		return (
			Case()
			.when(
				(location.picked_qty > 0) & (location.docstatus == 1),
				location.picked_qty - location.delivered_qty,
			)
			.else_(location.stock_qty)
		)
	return Case().when(location.picked_qty > 0, location.picked_qty).else_(location.stock_qty)
