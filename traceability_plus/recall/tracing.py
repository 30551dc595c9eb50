"""The recall trace of one or several lots, shared by the Recall Trace report and Product Recall.

`trace_lots` walks from the start lots backward and/or forward through transformations at
any depth; `stock_on_hand` and `mass_balances` give each lot's stock and the mass balance
that proves where its quantity went. Stock comes from ERPNext's own batch balance and
Serial No records, not from the movements the trace read, so that a ledger that does not
add up shows a difference.
"""

from collections import defaultdict
from collections.abc import Iterable

import frappe
from frappe import _
from frappe.query_builder.functions import Abs, Sum
from frappe.utils import flt

from traceability_plus.core.genealogy import (
	Lot,
	MassBalance,
	Movement,
	TraceStep,
	mass_balance,
	trace,
)
from traceability_plus.stock_tracking.stock_movements import StockMovements
from traceability_plus.traceability_setup.records import require_readable


def start_lot(batch_no: str | None = None, serial_no: str | None = None) -> Lot:
	"""The (item, number) of a batch or a serial number."""
	if batch_no:
		return (frappe.db.get_value("Batch", batch_no, "item"), batch_no)
	return (frappe.db.get_value("Serial No", serial_no, "item_code"), serial_no)


def trace_lots(
	movements: StockMovements,
	start: Iterable[Lot],
	directions: Iterable[str],
	max_depth: int | None = None,
) -> dict[str, list[TraceStep]]:
	"""The steps of the trace from all the start lots together, per direction."""
	start = set(start)
	return {
		direction: trace(start, direction, movements.of_lots, movements.of_transformations, max_depth)
		for direction in directions
	}


def stock_on_hand(
	company: str, batch_nos: Iterable[str] = (), serial_nos: Iterable[str] = ()
) -> dict[tuple[str, str], float]:
	"""Stock now per (batch or serial number, warehouse) in the company's warehouses."""
	from erpnext.stock.doctype.batch.batch import get_batch_qty

	stock: dict[tuple[str, str], float] = defaultdict(float)
	batch_nos, serial_nos = sorted(set(batch_nos)), sorted(set(serial_nos))
	if batch_nos:
		rows = get_batch_qty(batch_no=batch_nos, for_stock_levels=True, consider_negative_batches=True)
		companies = company_of_warehouses({row.get("warehouse") for row in rows})
		for row in rows:
			if companies.get(row.get("warehouse")) == company and flt(row.get("qty")):
				stock[(row.get("batch_no"), row.get("warehouse"))] += flt(row.get("qty"))
	if serial_nos:
		serial = frappe.qb.DocType("Serial No")
		for name, warehouse in (
			frappe.qb.from_(serial)
			.select(serial.name, serial.warehouse)
			.where(serial.name.isin(serial_nos))
			.where(serial.company == company)
			.where(serial.warehouse.isnotnull() & (serial.warehouse != ""))
			.run()
		):
			stock[(name, warehouse)] = 1.0
	return dict(stock)


def company_of_warehouses(warehouses: set[str]) -> dict[str, str]:
	if not warehouses:
		return {}
	warehouse = frappe.qb.DocType("Warehouse")
	query = frappe.qb.from_(warehouse).select(warehouse.name, warehouse.company)
	return dict(query.where(warehouse.name.isin(warehouses)).run())


def mass_balances(
	movements: StockMovements, lots: Iterable[Lot], on_hand: dict[Lot, float]
) -> dict[Lot, MassBalance]:
	"""Each lot's mass balance from all its movements, read in one go."""
	lots = set(lots)
	by_lot: dict[Lot, list[Movement]] = {lot: [] for lot in lots}
	for movement in movements.of_lots(lots):
		by_lot[movement.lot].append(movement)
	return {lot: mass_balance(by_lot[lot], on_hand.get(lot, 0.0)) for lot in lots}


TRACEABLE_VOUCHERS = ("Purchase Receipt", "Delivery Note", "Stock Entry")
MOST_LOTS_LISTED = 500


@frappe.whitelist()
def voucher_lots(doctype: str, name: str) -> list[dict]:
	"""The batches and serial numbers a submitted voucher posted, for its Trace Lots button."""
	if doctype not in TRACEABLE_VOUCHERS:
		frappe.throw(_("Trace Lots works on a Purchase Receipt, a Delivery Note or a Stock Entry."))
	require_readable(doctype, name)
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	item = frappe.qb.DocType("Item")
	rows = (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(entry.parent == bundle.name)
		.join(item)
		.on(item.name == bundle.item_code)
		.select(
			bundle.item_code,
			entry.batch_no,
			entry.serial_no,
			Sum(Abs(entry.qty)).as_("qty"),
			item.stock_uom,
		)
		.where(bundle.voucher_type == doctype)
		.where(bundle.voucher_no == name)
		.where(bundle.is_cancelled == 0)
		.where(bundle.docstatus == 1)
		.groupby(bundle.item_code, entry.batch_no, entry.serial_no, item.stock_uom)
		.orderby(bundle.item_code)
		.orderby(entry.batch_no)
		.orderby(entry.serial_no)
		.limit(MOST_LOTS_LISTED)
		.run(as_dict=True)
	)
	return rows
