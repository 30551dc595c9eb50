"""Which batches go out: first-expiry-first-out, never a held one.

ERPNext's picker (Stock Settings > Pick Serial / Batch Based On) already skips expired
and disabled batches, but knows nothing of holds, and its *Expiry* order leaves batches
with the same expiry date, or none, in no particular order. The app leaves that setting
at ERPNext's FIFO, so items without expiry dates are picked exactly as ERPNext picks them
everywhere, and orders the picker's FIFO list by expiry where it picks: at submit (the
rows that name no batch), in the batch dialog's Auto Fetch, in the Batch No dropdown and
in Pick List locations. With LIFO chosen in Stock Settings, ERPNext's order stands.
"""

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import cint, flt

from traceability_plus.core.expiry import first_expiry_first_out
from traceability_plus.stock_tracking.bundles import make_row_bundle
from traceability_plus.traceability_setup.compat import quantity_held_by_pick_list_item
from traceability_plus.traceability_setup.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)


def fefo_applies() -> bool:
	return bool(cint(get_traceability_settings().use_fefo_picking)) and erpnext_pick_order() != "LIFO"


def erpnext_pick_order() -> str:
	return frappe.db.get_single_value("Stock Settings", "pick_serial_and_batch_based_on") or "FIFO"


def available_batches(item_code: str, warehouse, **kwargs) -> list:
	"""Every batch of the item that may go out of the warehouse (a name or a list), with its
	quantity, in the order to take them: FEFO when it applies, else ERPNext's; no held batch.
	`kwargs` go to ERPNext's picker (posting date and time, is_pick_list...)."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import get_auto_batch_nos

	fefo = fefo_applies()
	batches = get_auto_batch_nos(
		frappe._dict(
			{
				**kwargs,
				"item_code": item_code,
				"warehouse": warehouse,
				"qty": 0,  # every usable batch
				# FIFO from ERPNext (oldest batch first), then ordered by expiry here.
				"based_on": "FIFO" if fefo else erpnext_pick_order(),
			}
		)
	)
	# Expiry dates from the Batch itself: ERPNext 16's picker rows do not carry them.
	details = batch_details(batch.batch_no for batch in batches)
	batches = [batch for batch in batches if not details[batch.batch_no].tp_on_hold]
	if fefo:
		batches = first_expiry_first_out(batches, lambda batch: details[batch.batch_no].expiry_date)
	return batches


def batch_details(batch_nos) -> dict[str, frappe._dict]:
	"""Hold and expiry date of each batch, in one query."""
	batch_nos = list(set(batch_nos))
	if not batch_nos:
		return {}
	return {
		batch.name: batch
		for batch in frappe.get_all(
			"Batch",
			filters={"name": ("in", batch_nos)},
			fields=["name", "tp_on_hold", "expiry_date", "creation"],
		)
	}


def item_has_dated_batches(item_code: str) -> bool:
	return bool(frappe.db.exists("Batch", {"item": item_code, "expiry_date": ("is", "set"), "disabled": 0}))


def pick_batches_without_holds(doc, method=None):
	"""before_submit of outgoing vouchers: the rows that name no batch get the app's pick
	when it differs from what ERPNext would take (a held batch, or FEFO over FIFO)."""
	if doc.get("is_return") or (
		doc.doctype in ("Sales Invoice", "POS Invoice") and not doc.get("update_stock")
	):
		return
	if not cint(
		frappe.db.get_single_value("Stock Settings", "auto_create_serial_and_batch_bundle_for_outward")
	):
		return
	quarantine = get_traceability_settings().quarantine_warehouse
	fefo = fefo_applies()
	for row in doc.get("items"):
		if quarantine and row.get("t_warehouse") == quarantine:
			continue  # moving stock aside: held batches are exactly what may go there
		warehouse = row.get("s_warehouse") if doc.doctype == "Stock Entry" else row.get("warehouse")
		if not warehouse or row.get("batch_no") or row.get("serial_and_batch_bundle") or row.get("serial_no"):
			continue
		if not frappe.get_cached_value("Item", row.item_code, "has_batch_no"):
			continue
		if not (
			frappe.db.exists("Batch", {"item": row.item_code, "tp_on_hold": 1})
			or (fefo and item_has_dated_batches(row.item_code))
		):
			continue  # ERPNext's own pick is the app's: no second query
		qty = flt(row.get("transfer_qty") or row.get("stock_qty") or row.get("qty"))
		batches = usable_batches(row.item_code, warehouse, qty, doc.posting_date, doc.posting_time)
		if batches is not None:
			row.serial_and_batch_bundle = make_row_bundle(doc, row, batches)


def pick_batch_locations(doc, method=None):
	"""before_save of a Pick List, after ERPNext has set its locations: the batches of each
	location still to pick are taken again, FEFO and without held batches, from the same
	warehouse and for the same quantity. Picked quantities and lists picked by hand are
	left alone; without enough usable stock a location stays, and the submit check says
	which batch is held."""
	if doc.get("pick_manually"):
		return
	groups: dict[tuple, list] = {}
	already_taken: dict[tuple[str, str], float] = {}
	for row in doc.get("locations"):
		if row.batch_no and not flt(row.picked_qty):
			groups.setdefault(_location_group(row), []).append(row)
		elif row.batch_no:
			_take(already_taken, row.batch_no, row.warehouse, flt(row.stock_qty))
	if not groups:
		return
	fefo = fefo_applies()
	dated = {item_code for item_code, *_rest in groups if fefo and item_has_dated_batches(item_code)}
	to_pick = {
		key for key, rows in groups.items() if key[0] in dated or any(_is_held(row.batch_no) for row in rows)
	}
	if not to_pick:
		return  # ERPNext's FIFO pick is the app's
	# What other open Pick Lists hold, counted as ERPNext counts it when it sets locations.
	for (batch_no, warehouse), qty in picked_on_other_pick_lists(doc, {key[0] for key in to_pick}).items():
		_take(already_taken, batch_no, warehouse, qty)
	repicked: dict[tuple, list[dict]] = {}
	for key, rows in groups.items():
		erpnext_pick = [(row.batch_no, flt(row.stock_qty)) for row in rows]
		if key not in to_pick:
			for batch_no, stock_qty in erpnext_pick:
				_take(already_taken, batch_no, rows[0].warehouse, stock_qty)
			continue
		pick = _free_batches(rows[0], sum(qty for _batch, qty in erpnext_pick), already_taken)
		if pick is None or pick == erpnext_pick:
			pick = erpnext_pick
		else:
			repicked[key] = [_location_of(rows[0], batch_no, stock_qty) for batch_no, stock_qty in pick]
		for batch_no, stock_qty in pick:
			_take(already_taken, batch_no, rows[0].warehouse, stock_qty)
	if not repicked:
		return
	locations = []
	for row in doc.get("locations"):
		key = _location_group(row) if row.batch_no and not flt(row.picked_qty) else None
		if key not in repicked:
			locations.append(row)
		elif repicked[key] is not None:
			locations += repicked[key]
			repicked[key] = None  # the group's other rows are replaced already
	doc.set("locations", _merged(locations))


def picked_on_other_pick_lists(doc, item_codes: set[str]) -> dict[tuple[str, str], float]:
	"""(batch, warehouse) -> quantity that other open Pick Lists hold of these items: what
	ERPNext's own location setting leaves out (a draft's quantity, a submitted list's
	picked quantity not yet delivered)."""
	pick_list = frappe.qb.DocType("Pick List")
	location = frappe.qb.DocType("Pick List Item")
	held = quantity_held_by_pick_list_item(location)
	rows = (
		frappe.qb.from_(pick_list)
		.join(location)
		.on(location.parent == pick_list.name)
		.select(location.batch_no, location.warehouse, Sum(held))
		.where(
			location.item_code.isin(list(item_codes))
			& (location.batch_no.isnotnull())
			& (location.batch_no != "")
			& (pick_list.status.notin(["Completed", "Cancelled"]))
			& (location.docstatus != 2)
			& (location.parent != (doc.name or ""))
		)
		.groupby(location.batch_no, location.warehouse)
		.run()
	)
	return {(batch_no, warehouse): flt(qty) for batch_no, warehouse, qty in rows if flt(qty) > 0}


def _location_group(row) -> tuple:
	"""Locations that ERPNext filled from one line of the list and one warehouse."""
	return (
		row.item_code,
		row.warehouse,
		row.uom,
		flt(row.conversion_factor) or 1,
		row.get("sales_order_item") or row.get("material_request_item"),
	)


def _take(taken: dict, batch_no: str, warehouse: str, qty: float):
	taken[(batch_no, warehouse)] = taken.get((batch_no, warehouse), 0) + qty


def _location_of(row, batch_no: str, stock_qty: float) -> dict:
	fields = row.as_dict(no_default_fields=True)
	fields.update(batch_no=batch_no, stock_qty=stock_qty, qty=stock_qty / (flt(row.conversion_factor) or 1))
	return fields


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


def _free_batches(row, needed: float, already_taken: dict) -> list[tuple[str, float]] | None:
	"""(batch, quantity) covering `needed` in the row's warehouse from usable batches that
	no other location or open Pick List has taken, or None."""
	picked = []
	for batch in available_batches(row.item_code, row.warehouse):
		free = flt(batch.qty) - already_taken.get((batch.batch_no, row.warehouse), 0)
		if free <= 0 or needed <= 1e-9:
			continue
		take = min(free, needed)
		picked.append((batch.batch_no, take))
		needed -= take
	return picked if needed <= 1e-9 else None


@frappe.whitelist()
def get_auto_data(**kwargs):
	"""ERPNext's batch dialog "Auto Fetch" (hooked over its get_auto_data): FEFO, no held batch."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		get_auto_data as erpnext_get_auto_data,
	)
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		get_qty_based_available_batches,
	)

	kwargs = frappe._dict(kwargs)
	if cint(kwargs.has_serial_no) or not cint(kwargs.has_batch_no):
		return erpnext_get_auto_data(**kwargs)
	qty = flt(kwargs.pop("qty", 0))
	item_code, warehouse = kwargs.pop("item_code", None), kwargs.pop("warehouse", None)
	kwargs.pop("based_on", None)  # the app's order, whatever the dialog asked
	available = available_batches(item_code, warehouse, **kwargs)
	return get_qty_based_available_batches(available, qty) if qty else available


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def get_batch_no(doctype, txt, searchfield, start, page_len, filters):
	"""The Batch No dropdown of outgoing rows: ERPNext's own query, FEFO, without held batches.

	Returns (sales returns) keep ERPNext's list: held stock may come back.
	"""
	from erpnext.controllers.queries import get_batch_no as erpnext_get_batch_no

	filters = frappe.parse_json(filters) if isinstance(filters, str) else (filters or {})
	batches = erpnext_get_batch_no(doctype, txt, searchfield, start, page_len, filters)
	if filters.get("is_return") or not batches:
		return batches
	details = batch_details(row[0] for row in batches)
	batches = [row for row in batches if row[0] in details and not details[row[0]].tp_on_hold]
	if fefo_applies():
		oldest_first = sorted(batches, key=lambda row: details[row[0]].creation)
		batches = first_expiry_first_out(oldest_first, lambda row: details[row[0]].expiry_date)
	return batches


def usable_batches(item_code: str, warehouse: str, qty: float, posting_date, posting_time) -> dict | None:
	"""{batch: qty} as the app picks them; None to leave the pick to ERPNext (its pick is the
	same, or there is not enough free stock, and then the hold check says why)."""
	from erpnext.stock.doctype.serial_and_batch_bundle.serial_and_batch_bundle import (
		get_auto_batch_nos,
		get_qty_based_available_batches,
	)

	at = {"posting_date": posting_date, "posting_time": posting_time}
	picked = get_qty_based_available_batches(available_batches(item_code, warehouse, **at), qty)
	if sum(flt(row.qty) for row in picked) < qty:
		return None
	erpnext_pick = get_qty_based_available_batches(
		get_auto_batch_nos(
			frappe._dict(item_code=item_code, warehouse=warehouse, qty=0, based_on=erpnext_pick_order(), **at)
		),
		qty,
	)
	ours = {row.batch_no: flt(row.qty) for row in picked}
	if ours == {row.batch_no: flt(row.qty) for row in erpnext_pick}:
		return None
	return frappe._dict(ours)


@frappe.whitelist()
def get_item_details(*args, **kwargs):
	"""ERPNext's item details for a transaction row (hooked over its get_item_details).

	When an outgoing row gets a batch proposed (ERPNext proposes its FIFO batch on a
	Delivery Note, a POS Invoice and a Sales Invoice that updates stock), the proposal is
	the app's: the earliest-expiring usable batch that covers the row, never a held one.
	"""
	from erpnext.stock.get_item_details import get_item_details as erpnext_get_item_details

	details = erpnext_get_item_details(*args, **kwargs)
	request = kwargs.get("args") or kwargs.get("ctx") or (args[0] if args else None)
	doc = kwargs.get("doc") if "doc" in kwargs else (args[1] if len(args) > 1 else None)
	propose_batch(details, frappe._dict(frappe.parse_json(request) or {}), frappe.parse_json(doc))
	return details


def propose_batch(details, request, doc=None):
	"""Replace ERPNext's proposed batch with the first one, in the app's order, that covers
	the row's quantity after what the document's other rows take of it."""
	if not details.get("batch_no") or request.get("batch_no") or not details.get("warehouse"):
		return
	if not _is_held(details.batch_no) and not (fefo_applies() and item_has_dated_batches(details.item_code)):
		return  # ERPNext's FIFO proposal is the app's too
	taken: dict[str, float] = {}
	for row in (doc or {}).get("items") or []:
		if row.get("batch_no") and row.get("item_code") == details.item_code:
			taken[row["batch_no"]] = taken.get(row["batch_no"], 0) + flt(
				row.get("stock_qty") or row.get("qty")
			)
	needed = flt(details.get("stock_qty"))
	for batch in available_batches(details.item_code, details.warehouse):
		if flt(batch.qty) - taken.get(batch.batch_no, 0) >= needed:
			if batch.batch_no != details.batch_no:
				_propose(details, batch.batch_no, needed, doc)
			return


def _propose(details, batch_no: str, qty: float, doc):
	from erpnext.stock.get_item_details import get_batch_based_item_price

	details.update({"batch_no": batch_no, "actual_batch_qty": qty})
	price_list = (doc or {}).get("selling_price_list")
	if price_list:
		rate = get_batch_based_item_price(
			{"price_list": price_list, "uom": details.get("uom"), "batch_no": batch_no}, details.item_code
		)
		if rate:
			details.update({"rate": rate, "price_list_rate": rate})
