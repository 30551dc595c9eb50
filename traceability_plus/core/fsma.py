"""The electronic sortable spreadsheet of the FDA Food Traceability Rule (FSMA 204).

When the FDA asks for it (21 CFR 1.1455(c)(3)(ii)), it must come within 24 hours: one row
per Critical Tracking Event of the traced lots with its Key Data Elements.

The column headings are the Key Data Elements as 21 CFR Part 1 Subpart S names them for
receiving (1.1345), transformation (1.1350) and shipping (1.1340); the FDA's own template
file could not be consulted when this was written, so its exact headings are not copied.
The location where an event took place (received at, transformed at, shipped from) shares
one column, and so do the two sides of a transformation, told apart in the event column.
The headings stay in English whatever the user's language: they name a regulatory format.
"""

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from traceability_plus.core.genealogy import Kind, Lot, Movement, Transformation, Voucher

RECEIVING = "Receiving"
TRANSFORMATION_INPUT = "Transformation - Input"
TRANSFORMATION_OUTPUT = "Transformation - Output"
SHIPPING = "Shipping"
EVENT_ORDER = (RECEIVING, TRANSFORMATION_INPUT, TRANSFORMATION_OUTPUT, SHIPPING)

HEADINGS = (
	"Traceability Lot Code",
	"Product Description",
	"Quantity",
	"Unit of Measure",
	"Critical Tracking Event",
	"Event Date",
	"Location Description of the Event",
	"Traceability Lot Code Source Location Description",
	"Immediate Previous Source Location Description",
	"Immediate Subsequent Recipient Location Description",
	"Reference Document Type",
	"Reference Document Number",
	# Not Key Data Elements: the lot as it is known in this system, to find it again.
	"Item Code",
	"Batch or Serial No",
)


def critical_tracking_event(movement: Movement) -> str | None:
	"""The event a movement records for the FDA, or None for movements that record none
	(transfers, counts, issues, sales returns)."""
	if movement.kind == Kind.RECEIPT and movement.qty > 0:
		return RECEIVING
	if movement.transformation and movement.kind == Kind.CONSUMPTION:
		return TRANSFORMATION_INPUT
	if movement.transformation and movement.kind == Kind.PRODUCTION:
		return TRANSFORMATION_OUTPUT
	if movement.kind in (Kind.DELIVERY, Kind.PURCHASE_RETURN):
		return SHIPPING
	return None


def tracking_events(
	lot_movements: Iterable[Movement],
	transformation_movements: Iterable[Movement],
	traced_lots: set[Lot],
	transformations: set[Transformation],
) -> list[Movement]:
	"""The movements that are events of the traced lots: every receiving and shipping of
	them, and the transformations the trace crossed with all their inputs and outputs.

	`lot_movements` are all movements of the traced lots and `transformation_movements` all
	movements of the crossed transformations; each ledger row is taken from one of them only.
	"""
	events = [
		m
		for m in lot_movements
		if m.lot in traced_lots
		and critical_tracking_event(m)
		and (m.transformation is None or m.transformation in transformations)
	]
	events += [
		m
		for m in transformation_movements
		if m.lot not in traced_lots and m.transformation in transformations and critical_tracking_event(m)
	]
	return events


@dataclass(frozen=True)
class Sources:
	"""What the rows need besides the movements, looked up by the caller."""

	products: Mapping[str, tuple[str, str]]  # item code -> (product description, unit of measure)
	supplier_lot_codes: Mapping[Lot, str]  # lot -> the supplier's own lot code
	warehouse_locations: Mapping[str, str]  # warehouse -> location description
	party_locations: Mapping[Voucher, str]  # voucher -> location description of its customer or supplier


def spreadsheet_rows(events: Iterable[Movement], sources: Sources) -> list[list]:
	"""One row per event, voucher, lot and warehouse, sorted by date and event."""
	events = list(events)
	origins = lot_origins(events)
	grouped: dict[tuple, tuple[str, Movement, float]] = {}
	for movement in events:
		event = critical_tracking_event(movement)
		key = (event, movement.voucher, movement.lot, movement.warehouse)
		_event, first, qty = grouped.get(key, (event, movement, 0.0))
		grouped[key] = (event, first, qty + movement.qty)

	rows = []
	for event, movement, qty in grouped.values():
		description, unit = sources.products.get(movement.item_code, (movement.item_code, ""))
		lot_code, lot_code_source = traceability_lot_code(movement, origins, sources)
		party_location = sources.party_locations.get(movement.voucher, movement.party or "")
		rows.append(
			[
				lot_code,
				description,
				_number(abs(qty)),
				unit,
				event,
				movement.posting_date,
				sources.warehouse_locations.get(movement.warehouse, movement.warehouse),
				lot_code_source,
				party_location if event == RECEIVING else "",
				party_location if event == SHIPPING else "",
				movement.voucher_type,
				movement.voucher_no,
				movement.item_code,
				movement.lot[1],
			]
		)
	rows.sort(key=lambda row: (row[5], EVENT_ORDER.index(row[4]), row[10], row[11], row[0], row[6]))
	return rows


def lot_origins(events: Iterable[Movement]) -> dict[Lot, Movement]:
	"""The first receipt or production of each lot: where its lot code was assigned."""
	origins: dict[Lot, Movement] = {}
	for movement in sorted(events, key=lambda m: (m.posting_date, m.voucher_no)):
		if critical_tracking_event(movement) in (RECEIVING, TRANSFORMATION_OUTPUT):
			origins.setdefault(movement.lot, movement)
	return origins


def traceability_lot_code(
	movement: Movement, origins: Mapping[Lot, Movement], sources: Sources
) -> tuple[str, str]:
	"""The lot code the FDA should see and the location where it was assigned.

	A lot that came with the supplier's lot code keeps it, assigned at the supplier; any
	other lot's code is our batch or serial number, assigned where the lot was received
	or made.
	"""
	origin = origins.get(movement.lot)
	supplier_lot = sources.supplier_lot_codes.get(movement.lot)
	if supplier_lot:
		source = sources.party_locations.get(origin.voucher, origin.party or "") if origin else ""
		return supplier_lot, source
	warehouse = (origin or movement).warehouse
	return movement.lot[1], sources.warehouse_locations.get(warehouse, warehouse)


def location_description(name: str, address: Mapping[str, str | None] | None = None) -> str:
	"""A one-line location description: business name, address, city, state, postal code,
	country and phone, leaving out what is not known."""
	address = address or {}
	parts = [name]
	parts += [address.get(key) for key in ("address_line1", "address_line2", "city")]
	parts.append(" ".join(filter(None, (address.get("state"), address.get("pincode")))))
	parts += [address.get("country")]
	if address.get("phone"):
		parts.append(f"Phone {address['phone']}")
	return ", ".join(part.strip() for part in parts if part and part.strip())


# A cell starting with one of these is run as a formula by Excel, LibreOffice and Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(value):
	"""User text (a customer's or supplier's name, an item name, a supplier lot) that a
	spreadsheet would run as a formula is kept as text, with the apostrophe that
	spreadsheets themselves use for that; numbers and dates are left as they are."""
	if isinstance(value, str) and value.startswith(FORMULA_STARTS):
		return "'" + value
	return value


def text_safe_rows(rows: Iterable[Iterable]) -> list[list]:
	return [[as_text_cell(value) for value in row] for row in rows]


def to_csv(rows: Iterable[Iterable]) -> str:
	"""The spreadsheet as CSV text with its heading row; dates as YYYY-MM-DD; no cell that
	a spreadsheet would run as a formula."""
	buffer = io.StringIO()
	writer = csv.writer(buffer)
	writer.writerow(HEADINGS)
	for row in text_safe_rows(rows):
		writer.writerow([value.isoformat() if isinstance(value, date) else value for value in row])
	return buffer.getvalue()


def _number(qty: float) -> float | int:
	return int(qty) if float(qty).is_integer() else round(qty, 6)
