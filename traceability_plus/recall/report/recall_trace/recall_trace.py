# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

"""Recall Trace: where a lot came from and where every unit of it went, through
manufacturing at any depth, with the lot's mass balance as proof that nothing is missing."""

import frappe
from frappe import _
from frappe.utils import cint

from traceability_plus.core.genealogy import (
	BACKWARD,
	FORWARD,
	MassBalance,
	Movement,
	TraceStep,
	tree_order,
)
from traceability_plus.recall.tracing import mass_balances, start_lot, stock_on_hand, trace_lots
from traceability_plus.stock_tracking.stock_movements import StockMovements, kind_label
from traceability_plus.traceability_setup.records import (
	hidden_rows_message,
	item_details,
	permitted_warehouses,
	require_company,
)
from traceability_plus.traceability_setup.report_columns import (
	batch_column,
	column,
	number_text,
	party_columns,
	serial_column,
	uom_column,
	voucher_columns,
	warehouse_column,
)

BOTH = "Both"


def execute(filters: dict | None = None):
	filters = validate_filters(frappe._dict(filters or {}))
	result = recall_trace(filters)
	uom = result["rows"][0]["stock_uom"]
	message = " ".join(
		filter(None, [get_message(result["balance"], uom), hidden_rows_message(result["hidden"])])
	)
	return get_columns(), result["rows"], message, None, get_summary(result, uom)


def validate_filters(filters: frappe._dict) -> frappe._dict:
	require_company(filters)
	if bool(filters.batch_no) == bool(filters.serial_no):
		frappe.throw(_("Select either a Batch No or a Serial No to trace."), title=_("Filter Missing"))
	doctype, number = ("Batch", filters.batch_no) if filters.batch_no else ("Serial No", filters.serial_no)
	if not frappe.db.exists(doctype, number):
		frappe.throw(_("{0} {1} does not exist.").format(_(doctype), number), frappe.DoesNotExistError)
	frappe.has_permission(doctype, "read", number, throw=True)
	filters.direction = filters.direction or BOTH
	if filters.direction not in (BOTH, BACKWARD, FORWARD):
		frappe.throw(_("Direction must be Both, Backward or Forward."))
	if filters.max_depth not in (None, "") and cint(filters.max_depth) < 1:
		frappe.throw(_("Max Depth must be 1 or more, or empty to trace at any depth."))
	filters.max_depth = cint(filters.max_depth) or None
	return filters


@frappe.read_only()
def recall_trace(filters: frappe._dict) -> dict:
	"""The trace rows, the steps behind them and the start lot's mass balance."""
	movements = StockMovements(filters.company)
	start = start_lot(filters.batch_no, filters.serial_no)
	if filters.serial_no:
		movements.serial_items.add(start[0])

	directions = [BACKWARD, FORWARD] if filters.direction == BOTH else [filters.direction]
	steps = trace_lots(movements, {start}, directions, filters.max_depth)
	stock = stock_on_hand(
		filters.company,
		batch_nos=[filters.batch_no] if filters.batch_no else [],
		serial_nos=[filters.serial_no] if filters.serial_no else [],
	)
	balance = mass_balances(movements, {start}, {start: sum(stock.values())})[start]

	# The trace follows every movement; the user is shown those of warehouses they may read.
	# The mass balance stays the whole lot's: it is the proof that nothing is missing.
	warehouses = set(permitted_warehouses(filters.company))
	shown = {
		direction: [
			(depth, s) for depth, s in tree_order(steps[direction]) if s.movement.warehouse in warehouses
		]
		for direction in directions
	}
	rows = [start_row(start, filters, balance)]
	for direction in directions:
		rows.append(
			{
				"indent": 1,
				"is_heading": 1,
				"direction": direction_label(direction),
				"movement": direction_heading(direction),
			}
		)
		rows += [step_row(step, depth + 2) for depth, step in shown[direction]]
	# Each quantity with its unit: a trace through manufacturing meets kilograms and boxes.
	uoms = {
		code: item.stock_uom
		for code, item in item_details({r["item_code"] for r in rows if r.get("item_code")}).items()
	}
	for row in rows:
		if row.get("item_code"):
			row["stock_uom"] = uoms.get(row["item_code"])
	return {
		"rows": rows,
		"steps": [s for direction in directions for _depth, s in shown[direction]],
		"balance": balance,
		"hidden": sum(len(steps[d]) - len(shown[d]) for d in directions),
	}


def start_row(start, filters, balance: MassBalance) -> dict:
	item_code, _number = start
	return {
		"indent": 0,
		"is_heading": 1,
		"level": 0,
		"movement": _("Traced lot"),
		"item_code": item_code,
		"batch_no": filters.batch_no,
		"serial_no": filters.serial_no,
		"qty": balance.on_hand,
	}


def direction_label(direction: str) -> str:
	return _("Backward") if direction == BACKWARD else _("Forward")


def direction_heading(direction: str) -> str:
	return _("Where it came from") if direction == BACKWARD else _("Where it went")


def step_row(step: TraceStep, indent: int) -> dict:
	movement: Movement = step.movement
	return {
		"indent": indent,
		"level": step.level,
		"direction": direction_label(step.direction),
		"movement": kind_label(movement.kind),
		"voucher_type": movement.voucher_type,
		"voucher_no": movement.voucher_no,
		"posting_date": movement.posting_date,
		"item_code": movement.item_code,
		"batch_no": movement.batch_no,
		"serial_no": movement.serial_no,
		"qty": movement.qty,
		"warehouse": movement.warehouse,
		"party_type": movement.party_type,
		"party": movement.party,
	}


def get_columns() -> list[dict]:
	# Party beside Movement: who received or supplied the lot is the answer a recall needs.
	party_type, party = party_columns()
	return [
		column(_("Movement"), "movement", width=200),
		party,
		party_type,
		column(_("Qty"), "qty", "Float", width=90),
		uom_column(),
		column(_("Item"), "item_code", "Link", "Item", 150),
		batch_column(),
		serial_column(),
		*voucher_columns(),
		column(_("Posting Date"), "posting_date", "Date", width=100),
		warehouse_column(),
		column(_("Direction"), "direction", width=90),
		column(_("Level"), "level", "Int", width=60),
	]


def get_summary(result: dict, uom: str | None) -> list[dict]:
	steps: list[TraceStep] = result["steps"]
	balance: MassBalance = result["balance"]

	def parties(party_type):
		return len({s.movement.party for s in steps if s.movement.party_type == party_type})

	vouchers = len({s.movement.voucher for s in steps})
	difference_indicator = "Green" if abs(balance.difference) < 1e-6 else "Red"
	return [
		{
			"label": _("Suppliers Reached"),
			"value": parties("Supplier"),
			"datatype": "Int",
			"indicator": "Blue",
		},
		{
			"label": _("Customers Reached"),
			"value": parties("Customer"),
			"datatype": "Int",
			"indicator": "Blue",
		},
		{"label": _("Vouchers Reached"), "value": vouchers, "datatype": "Int", "indicator": "Blue"},
		{
			"label": with_unit(_("Received or Produced"), uom),
			"value": balance.received_or_produced,
			"datatype": "Float",
		},
		{"label": with_unit(_("Consumed"), uom), "value": balance.consumed, "datatype": "Float"},
		{"label": with_unit(_("Delivered"), uom), "value": balance.delivered, "datatype": "Float"},
		{"label": with_unit(_("Returned"), uom), "value": balance.returned, "datatype": "Float"},
		{"label": with_unit(_("On Hand"), uom), "value": balance.on_hand, "datatype": "Float"},
		{"label": with_unit(_("Adjusted"), uom), "value": balance.adjusted, "datatype": "Float"},
		{"label": with_unit(_("Other"), uom), "value": balance.other, "datatype": "Float"},
		{
			"label": with_unit(_("Unexplained Difference"), uom),
			"value": balance.difference,
			"datatype": "Float",
			"indicator": difference_indicator,
		},
	]


def with_unit(label: str, uom: str | None) -> str:
	return _("{0} ({1})").format(label, _(uom)) if uom else label


def get_message(balance: MassBalance, uom: str | None) -> str:
	unit = f" {_(uom)}" if uom else ""

	def quantity(value: float) -> str:
		return number_text(value) + unit

	text = _(
		"Mass balance of the traced lot: received or produced {0} = consumed {1} + delivered {2} "
		"- returned {3} + on hand {4} + adjusted {5} + other {6}."
	).format(
		quantity(balance.received_or_produced),
		quantity(balance.consumed),
		quantity(balance.delivered),
		quantity(balance.returned),
		quantity(balance.on_hand),
		quantity(balance.adjusted),
		quantity(balance.other),
	)
	if abs(balance.difference) >= 1e-6:
		text += " " + _("{0} is unexplained: check the lot's ledger.").format(quantity(balance.difference))
	return text
