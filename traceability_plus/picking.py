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


def pick_locations_without_holds(doc, method=None):
	"""before_save of a Pick List, after ERPNext has set its locations: a location on a held
	batch is picked again from the same warehouse's usable batches, in the picker's order.
	Picked quantities and lists picked by hand are left alone; without enough usable stock
	the location stays, and the submit check says which batch is held."""
	if doc.get("pick_manually"):
		return
	held_locations = [
		row
		for row in doc.get("locations")
		if row.batch_no and not flt(row.picked_qty) and _is_held(row.batch_no)
	]
	if not held_locations:
		return
	already_taken: dict[tuple[str, str], float] = {}
	for row in doc.get("locations"):
		if row.batch_no and row not in held_locations:
			key = (row.batch_no, row.warehouse)
			already_taken[key] = already_taken.get(key, 0) + flt(row.stock_qty)
	locations = []
	for row in doc.get("locations"):
		replacements = _free_batches(row, already_taken) if row in held_locations else None
		if replacements is None:
			locations.append(row)
			continue
		for batch_no, stock_qty in replacements:
			fields = row.as_dict(no_default_fields=True)
			fields.update(
				batch_no=batch_no, stock_qty=stock_qty, qty=stock_qty / (flt(row.conversion_factor) or 1)
			)
			locations.append(fields)
			already_taken[(batch_no, row.warehouse)] = (
				already_taken.get((batch_no, row.warehouse), 0) + stock_qty
			)
	doc.set("locations", _merged(locations))


def _merged(locations: list) -> list:
	"""One location per batch and source, as ERPNext lays them out: a batch that replaced a
	held one may already have had a location of its own."""
	merged: dict[tuple, dict] = {}
	for location in locations:
		location = location if isinstance(location, dict) else location.as_dict(no_default_fields=True)
		key = (
			location.get("item_code"),
			location.get("warehouse"),
			location.get("batch_no"),
			location.get("uom"),
			location.get("sales_order_item") or location.get("material_request_item"),
			flt(location.get("picked_qty")),
		)
		if key in merged:
			merged[key]["qty"] = flt(merged[key]["qty"]) + flt(location.get("qty"))
			merged[key]["stock_qty"] = flt(merged[key]["stock_qty"]) + flt(location.get("stock_qty"))
		else:
			merged[key] = location
	return list(merged.values())


def _is_held(batch_no: str) -> bool:
	return bool(frappe.get_cached_value("Batch", batch_no, "tp_on_hold"))


def _free_batches(row, already_taken: dict) -> list[tuple[str, float]] | None:
	"""(batch, quantity) covering the row from usable batches not yet taken, or None."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos

	available = without_held(
		get_auto_batch_nos(
			frappe._dict(
				item_code=row.item_code,
				warehouse=row.warehouse,
				qty=0,
				based_on=frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on"),
			)
		)
	)
	needed = flt(row.stock_qty)
	picked = []
	for batch in available:
		free = flt(batch.qty) - already_taken.get((batch.batch_no, row.warehouse), 0)
		if free <= 0 or needed <= 0:
			continue
		take = min(free, needed)
		picked.append((batch.batch_no, take))
		needed -= take
	return picked if needed <= 1e-9 else None


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
