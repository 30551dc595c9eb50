"""Recalls traced before 1.1 get their Quantities By Unit, from their own snapshot.

Shipped and on hand come from the shipments and stock rows per unit. Held at submit was
kept as one total: with one unit it is that total; with several, each unit's stock of the
lots the recall held, as the snapshot saw it at the trace. Each customer row gets its
shipped quantity per unit. The close-out figures of an
open recall are worked out again per unit; a closed one keeps what it closed with."""

import frappe

from traceability_plus.core.recall import one_unit_total
from traceability_plus.recall.snapshot import quantities_text


def execute():
	recalls = frappe.get_all(
		"Product Recall", filters={"docstatus": ("<", 2), "traced_on": ("is", "set")}, pluck="name"
	)
	for name in recalls:
		if frappe.db.exists("Product Recall Quantity", {"parent": name, "parenttype": "Product Recall"}):
			continue
		recall = frappe.get_doc("Product Recall", name)
		shipped, on_hand, held_at_trace = {}, {}, {}
		held_lots = {row.batch_no or row.serial_no for row in recall.affected_lots if row.held_by_this_recall}
		for row in recall.shipments:
			shipped[row.stock_uom] = shipped.get(row.stock_uom, 0.0) + (row.qty or 0)
		for row in recall.stock:
			on_hand[row.stock_uom] = on_hand.get(row.stock_uom, 0.0) + (row.qty or 0)
			if (row.batch_no or row.serial_no) in held_lots:
				held_at_trace[row.stock_uom] = held_at_trace.get(row.stock_uom, 0.0) + (row.qty or 0)
		units = sorted(set(shipped) | set(on_hand), key=lambda uom: uom or "")
		for uom in units:
			held = recall.held_qty if len(units) == 1 else held_at_trace.get(uom, 0.0)
			recall.append(
				"quantities",
				{
					"stock_uom": uom,
					"qty_shipped": shipped.get(uom, 0.0),
					"qty_on_hand": on_hand.get(uom, 0.0),
					"held_qty": held if recall.docstatus == 1 else 0,
				},
			)
		per_customer: dict[str, dict] = {}
		for row in recall.shipments:
			units = per_customer.setdefault(row.customer, {})
			units[row.stock_uom] = units.get(row.stock_uom, 0.0) + (row.qty or 0)
		for row in recall.customers:
			row.shipped_by_unit = quantities_text(per_customer.get(row.customer, {}))
			row.db_update()
		recall.qty_shipped = one_unit_total(shipped)
		recall.qty_on_hand = one_unit_total(on_hand)
		if recall.docstatus == 1 and recall.status == "Open" and recall.recall_type != "Mock Recall":
			recall.update_close_out()
		for row in recall.quantities:
			row.db_insert()
		recall.db_update()
