"""Batches ERPNext picks by itself at submit: never a held one.

ERPNext's picker (Stock Settings > Pick Serial / Batch Based On, set to Expiry for FEFO)
already skips expired and disabled batches, but knows nothing of holds. Before submit,
for each outgoing batch-item row that names no batch, this asks ERPNext's own picker
what it would take; only when that includes a held batch does it build the row's bundle
itself, from the same picker's list without the held batches, in the same order.
"""

import frappe
from frappe.utils import cint, flt

from traceability_plus.bundles import make_row_bundle
from traceability_plus.traceability_plus.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)


def pick_batches_without_holds(doc, method=None):
	"""before_submit of outgoing vouchers."""
	if doc.get("is_return") or (
		doc.doctype in ("Sales Invoice", "POS Invoice") and not doc.get("update_stock")
	):
		return
	if not cint(
		frappe.db.get_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward")
	):
		return
	quarantine = get_traceability_settings().quarantine_warehouse
	for row in doc.get("items"):
		if quarantine and row.get("t_warehouse") == quarantine:
			continue  # moving stock aside: held batches are exactly what may go there
		warehouse = row.get("s_warehouse") if doc.doctype == "Stock Entry" else row.get("warehouse")
		if not warehouse or row.get("batch_no") or row.get("serial_and_batch_bundle") or row.get("serial_no"):
			continue
		if not frappe.get_cached_value("Item", row.item_code, "has_batch_no"):
			continue
		if not frappe.db.exists("Batch", {"item": row.item_code, "tp_on_hold": 1}):
			continue  # nothing of this item is held: ERPNext's own pick stands, no second query
		qty = flt(row.get("transfer_qty") or row.get("stock_qty") or row.get("qty"))
		batches = usable_batches(row.item_code, warehouse, qty, doc.posting_date, doc.posting_time)
		if batches is not None:
			row.serial_and_batch_bundle = make_row_bundle(doc, row, batches)


@frappe.whitelist()
def get_auto_data(**kwargs):
	"""ERPNext's batch dialog "Auto Fetch" (hooked over its get_auto_data): without held batches."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		get_auto_batch_nos,
		get_qty_based_available_batches,
	)
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		get_auto_data as erpnext_get_auto_data,
	)

	kwargs = frappe._dict(kwargs)
	if cint(kwargs.has_serial_no) or not cint(kwargs.has_batch_no):
		return erpnext_get_auto_data(**kwargs)
	qty = flt(kwargs.qty)
	available = without_held(get_auto_batch_nos(frappe._dict({**kwargs, "qty": 0})))
	return get_qty_based_available_batches(available, qty) if qty else available


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def get_batch_no(doctype, txt, searchfield, start, page_len, filters):
	"""The Batch No dropdown of outgoing rows: ERPNext's own query, without held batches.

	Returns (sales returns) keep ERPNext's list: held stock may come back.
	"""
	from erpnext.controllers.queries import get_batch_no as erpnext_get_batch_no

	batches = erpnext_get_batch_no(doctype, txt, searchfield, start, page_len, filters)
	if (filters or {}).get("is_return"):
		return batches
	held = held_batches([row[0] for row in batches])
	return [row for row in batches if row[0] not in held]


def without_held(batches: list) -> list:
	held = held_batches([row.batch_no for row in batches])
	return [row for row in batches if row.batch_no not in held]


def held_batches(batch_nos: list[str]) -> set[str]:
	if not batch_nos:
		return set()
	return set(frappe.get_all("Batch", filters={"name": ("in", batch_nos), "tp_on_hold": 1}, pluck="name"))


def usable_batches(item_code: str, warehouse: str, qty: float, posting_date, posting_time) -> dict | None:
	"""{batch: qty} picked without held batches; None to leave the pick to ERPNext (its pick
	holds no held batch, or there is not enough free stock)."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		get_auto_batch_nos,
		get_qty_based_available_batches,
	)

	available = get_auto_batch_nos(
		frappe._dict(
			item_code=item_code,
			warehouse=warehouse,
			posting_date=posting_date,
			posting_time=posting_time,
			qty=0,  # every usable batch, in the picker's order
			based_on=frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on"),
		)
	)
	held = held_batches([row.batch_no for row in available])
	erpnext_pick = get_qty_based_available_batches(available, qty)
	if not held.intersection(row.batch_no for row in erpnext_pick):
		return None
	picked = get_qty_based_available_batches([row for row in available if row.batch_no not in held], qty)
	if sum(flt(row.qty) for row in picked) < qty:
		# Not enough stock that is free to go: let ERPNext pick, and the hold check say why.
		return None
	return frappe._dict({row.batch_no: row.qty for row in picked})
