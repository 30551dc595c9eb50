"""The snapshot a Product Recall keeps of its trace: affected lots with their mass balance,
their stock per warehouse, the customers who received them with whom to contact, the
shipments, and the suppliers upstream.

The walk is the Recall Trace report's (`recall_tracing`); what it means for a recall is
worked out in `core.recall`; this module reads what else the rows show (item names, units,
contacts, supplier lots) in a few queries, however many customers the trace reached.
"""

from collections.abc import Callable

import frappe
from frappe import _

from traceability_plus.core.fsma import location_description
from traceability_plus.core.genealogy import BACKWARD, FORWARD, Lot
from traceability_plus.core.recall import (
	BATCH,
	SERIAL_NO,
	accounted_share,
	affected_lots,
	customers_reached,
	one_unit_total,
	suppliers_reached,
)
from traceability_plus.recall.party_details import party_details
from traceability_plus.recall.tracing import mass_balances, stock_on_hand, trace_lots
from traceability_plus.stock_tracking.stock_movements import StockMovements
from traceability_plus.traceability_setup.records import batch_details, item_details
from traceability_plus.traceability_setup.report_columns import number_text

Progress = Callable[[int, str], None]


class RecallTrace:
	"""The recall's start lots traced backward and forward, at any depth."""

	def __init__(self, company: str, start: dict[Lot, str]):
		self.company = company
		self.start = start
		self.movements = StockMovements(company)
		self.movements.serial_items |= {item for (item, _number), kind in start.items() if kind == SERIAL_NO}
		self.steps = trace_lots(self.movements, start, (BACKWARD, FORWARD))
		self.affected = affected_lots(start, self.steps[FORWARD])
		self.customers = customers_reached(self.steps[FORWARD])
		self.suppliers = suppliers_reached(self.steps[BACKWARD])

	def lot_numbers(self, number_type: str) -> set[str]:
		return {lot.lot[1] for lot in self.affected if lot.number_type == number_type}


def build_snapshot(traced: RecallTrace, progress: Progress | None = None) -> dict:
	"""Field values and table rows of the snapshot."""
	progress = progress or (lambda percent, description: None)
	progress(20, _("Reading stock on hand"))
	stock = stock_on_hand(traced.company, traced.lot_numbers(BATCH), traced.lot_numbers(SERIAL_NO))
	items = {lot.lot[0] for lot in traced.affected}
	items |= {shipment.lot[0] for customer in traced.customers for shipment in customer.shipments}
	items |= {receipt.lot[0] for receipt in traced.suppliers}
	item_info = item_details(items)

	def uom_of(lot: Lot) -> str | None:
		return item_info.get(lot[0], {}).get("stock_uom")

	on_hand_per_lot: dict[Lot, float] = {}
	stock_rows = []
	lot_of_number = {lot.lot[1]: lot for lot in traced.affected}
	for (number, warehouse), qty in sorted(stock.items()):
		affected = lot_of_number[number]
		on_hand_per_lot[affected.lot] = on_hand_per_lot.get(affected.lot, 0.0) + qty
		stock_rows.append(
			{
				**lot_fields(affected.lot, affected.number_type),
				"warehouse": warehouse,
				"qty": qty,
				"stock_uom": uom_of(affected.lot),
			}
		)

	progress(40, _("Working out the mass balance of {0} lots").format(len(traced.affected)))
	balances = mass_balances(traced.movements, {lot.lot for lot in traced.affected}, on_hand_per_lot)
	lot_rows = []
	for affected in traced.affected:
		balance = balances[affected.lot]
		lot_rows.append(
			{
				**lot_fields(affected.lot, affected.number_type),
				"level": affected.level,
				"on_hand": balance.on_hand,
				"accounted_share": accounted_share([balance]),
				"received_or_produced": balance.received_or_produced,
				"consumed": balance.consumed,
				"delivered": balance.delivered,
				"returned": balance.returned,
				"adjusted": balance.adjusted,
				"other": balance.other,
				"unexplained": balance.difference,
				"stock_uom": uom_of(affected.lot),
			}
		)

	progress(60, _("Reading the contacts of {0} customers").format(len(traced.customers)))
	contacts = party_details("Customer", (customer.customer for customer in traced.customers))

	customer_rows, shipment_rows = [], []
	shipped_per_uom: dict[str | None, float] = {}
	for customer in traced.customers:
		details = contacts.get(customer.customer) or frappe._dict(address_fields={})
		customer_per_uom: dict[str | None, float] = {}
		for shipment in customer.shipments:
			uom = uom_of(shipment.lot)
			customer_per_uom[uom] = customer_per_uom.get(uom, 0.0) + shipment.qty
			shipped_per_uom[uom] = shipped_per_uom.get(uom, 0.0) + shipment.qty
		units = set(customer_per_uom)
		customer_rows.append(
			{
				"customer": customer.customer,
				"customer_name": details.party_name,
				# A customer's total only in one unit; the shipments show each unit.
				"qty_shipped": customer.net_shipped if len(units) == 1 else None,
				"qty_returned": customer.returned if len(units) == 1 else None,
				"shipped_by_unit": quantities_text(customer_per_uom),
				"vouchers": ", ".join(customer.vouchers),
				"contact": details.contact,
				"contact_name": details.contact_name,
				"email_id": details.email_id,
				"phone": details.phone,
				"address": details.address,
				"address_display": location_description("", details.address_fields) or None,
			}
		)
		for shipment in customer.shipments:
			shipment_rows.append(
				{
					"customer": customer.customer,
					"voucher_type": shipment.voucher[0],
					"voucher_no": shipment.voucher[1],
					"posting_date": shipment.posting_date,
					**lot_fields(shipment.lot, shipment.number_type),
					"qty": shipment.qty,
					"stock_uom": uom_of(shipment.lot),
				}
			)

	supplier_lots = read_supplier_lots({r.lot[1] for r in traced.suppliers if r.number_type == BATCH})
	supplier_rows = [
		{
			"supplier": receipt.party,
			"voucher_type": receipt.voucher[0],
			"voucher_no": receipt.voucher[1],
			"posting_date": receipt.posting_date,
			**lot_fields(receipt.lot, receipt.number_type),
			"supplier_lot": supplier_lots.get(receipt.lot[1]),
			"qty": receipt.qty,
		}
		for receipt in traced.suppliers
	]
	on_hand_per_uom: dict[str | None, float] = {}
	for row in stock_rows:
		on_hand_per_uom[row["stock_uom"]] = on_hand_per_uom.get(row["stock_uom"], 0.0) + row["qty"]
	unexplained_per_uom: dict[str | None, float] = {}
	for affected in traced.affected:
		uom = uom_of(affected.lot)
		unexplained_per_uom[uom] = unexplained_per_uom.get(uom, 0.0) + abs(balances[affected.lot].difference)
	quantity_rows = [
		{
			"stock_uom": uom,
			"qty_shipped": shipped_per_uom.get(uom, 0.0),
			"qty_on_hand": on_hand_per_uom.get(uom, 0.0),
		}
		for uom in sorted(set(shipped_per_uom) | set(on_hand_per_uom), key=lambda uom: uom or "")
	]
	return {
		"affected_lots": lot_rows,
		"stock": stock_rows,
		"customers": customer_rows,
		"shipments": shipment_rows,
		"suppliers": supplier_rows,
		"quantities": quantity_rows,
		"affected_lot_count": len(lot_rows),
		"customer_count": len(customer_rows),
		"supplier_count": len({receipt.party for receipt in traced.suppliers}),
		# Totals only when the recall reached one unit; Quantities By Unit has each unit's.
		"qty_shipped": one_unit_total(shipped_per_uom),
		"qty_on_hand": one_unit_total(on_hand_per_uom),
		"accounted_share": accounted_share(balances.values()),
		"unexplained_qty": one_unit_total(unexplained_per_uom),
	}


def quantities_text(per_uom: dict[str | None, float]) -> str:
	"""Quantities per unit as one line, e.g. "4 Kg, 3 Nos"."""
	return ", ".join(
		f"{number_text(qty)} {_(uom) if uom else ''}".strip()
		for uom, qty in sorted(per_uom.items(), key=lambda item: item[0] or "")
	)


def lot_fields(lot: Lot, number_type: str) -> dict:
	item_code, number = lot
	if number_type == BATCH:
		return {"item_code": item_code, "batch_no": number, "serial_no": None}
	return {"item_code": item_code, "batch_no": None, "serial_no": number}


def read_supplier_lots(batch_nos: set[str]) -> dict[str, str]:
	"""The supplier's own lot code of each batch that has one."""
	if not batch_nos:
		return {}
	return {
		name: batch.tp_supplier_lot
		for name, batch in batch_details(batch_nos).items()
		if batch.tp_supplier_lot
	}


def on_hand_of(company: str, lots: list[tuple[Lot, str]]) -> dict[tuple[str, str], float]:
	"""Stock now per (batch or serial number, warehouse) of the given (lot, number type)."""
	return stock_on_hand(
		company,
		{lot[1] for lot, kind in lots if kind == BATCH},
		{lot[1] for lot, kind in lots if kind == SERIAL_NO},
	)
