"""The genealogy walk behind the recall trace: from a lot, backward to its sources and
forward to every place it went, through transformations (Manufacture, Repack) at any depth.

The walk is breadth-first, one level at a time, so a caller backed by a database asks two
questions per level whatever the size of the ledger: the movements of a set of lots, and
all movements of a set of transformations. Lots and transformations are visited once, so
cycles (a lot repacked into itself, rework) end the walk instead of looping.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

BACKWARD = "Backward"
FORWARD = "Forward"

# A lot is identified by its item and its batch or serial number.
Lot = tuple[str, str]
Voucher = tuple[str, str]
# What turns lots into other lots: one Manufacture or Repack voucher, or a whole Work Order
# whose consumption and production were posted in separate stock entries.
Transformation = tuple[str, str]


class Kind:
	"""What a movement means for the lot, in the words of a mass balance."""

	RECEIPT = "Receipt"
	PRODUCTION = "Production"
	CONSUMPTION = "Consumption"
	DELIVERY = "Delivery"
	SALES_RETURN = "Sales Return"
	PURCHASE_RETURN = "Purchase Return"
	ADJUSTMENT = "Stock Reconciliation"
	TRANSFER = "Transfer"
	OTHER = "Other"

	ALL = (
		RECEIPT,
		PRODUCTION,
		CONSUMPTION,
		DELIVERY,
		SALES_RETURN,
		PURCHASE_RETURN,
		ADJUSTMENT,
		TRANSFER,
		OTHER,
	)


SELLING_VOUCHERS = frozenset({"Delivery Note", "Sales Invoice", "POS Invoice"})
BUYING_VOUCHERS = frozenset({"Purchase Receipt", "Purchase Invoice"})
TRANSFORMING_PURPOSES = frozenset({"Manufacture", "Repack", "Disassemble"})
CONSUMING_PURPOSES = frozenset({"Material Issue", "Material Consumption for Manufacture"})
# A work order may consume in one stock entry and produce in another.
WORK_ORDER_PURPOSES = frozenset({"Manufacture", "Material Consumption for Manufacture"})
TRANSFER_PURPOSES = frozenset(
	{
		"Material Transfer",
		"Material Transfer for Manufacture",
		"Send to Subcontractor",
		"Receive at Warehouse",
	}
)


def movement_kind(voucher_type: str, qty: float, is_return: bool = False, purpose: str | None = None) -> str:
	"""Classify one stock movement of a lot by its voucher, direction and, for stock entries, purpose."""
	inward = qty > 0
	if voucher_type == "Stock Reconciliation":
		return Kind.ADJUSTMENT
	if voucher_type in SELLING_VOUCHERS:
		return Kind.SALES_RETURN if inward else Kind.DELIVERY
	if voucher_type in BUYING_VOUCHERS:
		return Kind.RECEIPT if inward else Kind.PURCHASE_RETURN
	if voucher_type == "Subcontracting Receipt":
		if is_return:
			return Kind.PURCHASE_RETURN
		return Kind.PRODUCTION if inward else Kind.CONSUMPTION
	if voucher_type == "Stock Entry":
		if purpose in TRANSFORMING_PURPOSES:
			return Kind.PRODUCTION if inward else Kind.CONSUMPTION
		if purpose in CONSUMING_PURPOSES and not inward:
			return Kind.CONSUMPTION
		if purpose == "Material Receipt" and inward:
			return Kind.RECEIPT
		if purpose in TRANSFER_PURPOSES:
			return Kind.TRANSFER
	return Kind.OTHER


def transformation_of(
	voucher_type: str,
	voucher_no: str,
	purpose: str | None = None,
	work_order: str | None = None,
	is_return: bool = False,
) -> "Transformation | None":
	"""What a voucher's movements are part of when the voucher turns lots into other lots: a
	Manufacture, Repack or Disassemble stock entry, a subcontracting receipt, or the whole
	work order when its consumption and production were posted in separate entries."""
	if voucher_type == "Subcontracting Receipt" and not is_return:
		return (voucher_type, voucher_no)
	if voucher_type != "Stock Entry":
		return None
	if work_order and purpose in WORK_ORDER_PURPOSES:
		return ("Work Order", work_order)
	if purpose in TRANSFORMING_PURPOSES:
		return (voucher_type, voucher_no)
	return None


@dataclass(frozen=True)
class Movement:
	"""One batch or serial number moving in or out of stock in one voucher row."""

	voucher_type: str
	voucher_no: str
	posting_date: date
	item_code: str
	qty: float  # positive in, negative out
	warehouse: str
	batch_no: str | None = None
	serial_no: str | None = None
	party_type: str | None = None
	party: str | None = None
	kind: str = Kind.OTHER
	# Set when the voucher turns some lots into others: the walk crosses it.
	transformation: Transformation | None = None

	@property
	def lot(self) -> Lot:
		return (self.item_code, self.batch_no or self.serial_no or "")

	@property
	def voucher(self) -> Voucher:
		return (self.voucher_type, self.voucher_no)


@dataclass(frozen=True)
class TraceStep:
	level: int  # 1 for the start lots' own movements, +1 per transformation crossed
	direction: str
	movement: Movement
	# True for the movement that brought a new lot into the trace across a transformation:
	# its production going forward, its consumption going backward.
	crossed: bool = False


def trace(
	start: Iterable[Lot],
	direction: str,
	movements_of_lots: Callable[[set[Lot]], Iterable[Movement]],
	movements_of_transformations: Callable[[set[Transformation]], Iterable[Movement]],
	max_depth: int | None = None,
) -> list[TraceStep]:
	"""Every movement reached from `start` in one direction, level by level.

	Backward follows a lot to where it came from (receipts, opening stock, transformations
	that made it) and through transformations to their input lots. Forward follows it to
	where it went (deliveries, issues, transformations that consumed it, returns and count
	adjustments) and through transformations to their output lots. The start lots' own
	movements are level 1; the movement that links a new lot across a transformation opens
	the next level.
	"""
	if direction not in (BACKWARD, FORWARD):
		raise ValueError(f"direction must be {BACKWARD} or {FORWARD}, not {direction!r}")
	seen_lots: set[Lot] = set(start)
	seen_transformations: set[Transformation] = set()
	frontier = set(seen_lots)
	steps: list[TraceStep] = []
	level = 1
	while frontier and (max_depth is None or level <= max_depth):
		to_cross: set[Transformation] = set()
		for movement in sorted(movements_of_lots(frontier), key=_movement_order):
			if goes_this_way(movement, direction):
				steps.append(TraceStep(level, direction, movement))
				if movement.transformation and movement.transformation not in seen_transformations:
					to_cross.add(movement.transformation)
		seen_transformations |= to_cross
		frontier = set()
		if to_cross and (max_depth is None or level < max_depth):
			for movement in sorted(movements_of_transformations(to_cross), key=_movement_order):
				if _links_across(movement, direction) and movement.lot not in seen_lots:
					steps.append(TraceStep(level + 1, direction, movement, crossed=True))
					seen_lots.add(movement.lot)
					frontier.add(movement.lot)
		level += 1
	return steps


def goes_this_way(movement: Movement, direction: str) -> bool:
	"""Whether a movement of a lot belongs to its trace in `direction`.

	Forward is everything after the lot arrived: what left, and what came back from a
	customer or was found or lost in a count. Backward is how it arrived.
	"""
	if direction == FORWARD:
		return movement.qty < 0 or movement.kind in (Kind.SALES_RETURN, Kind.ADJUSTMENT)
	return movement.qty > 0 and movement.kind != Kind.SALES_RETURN


def _links_across(movement: Movement, direction: str) -> bool:
	# Forward: what the transformation produced. Backward: what it used.
	return movement.qty > 0 if direction == FORWARD else movement.qty < 0


def _movement_order(movement: Movement):
	return (movement.posting_date, movement.voucher_type, movement.voucher_no, movement.lot, movement.qty)


def tree_order(steps: list[TraceStep]) -> list[tuple[int, TraceStep]]:
	"""The steps of one direction as an indented tree, depth first.

	A lot's movements hang under the movement that brought the lot in; those linking
	movements hang under the first movement that entered their transformation.
	"""
	own_steps: dict[Lot, list[TraceStep]] = {}
	links: dict[Transformation | None, list[TraceStep]] = {}
	for step in steps:
		if step.crossed:
			links.setdefault(step.movement.transformation, []).append(step)
		else:
			own_steps.setdefault(step.movement.lot, []).append(step)
	start_lots = [lot for lot, lot_steps in own_steps.items() if lot_steps[0].level == 1]

	ordered: list[tuple[int, TraceStep]] = []
	expanded: set[Transformation] = set()

	def add_lot_steps(lot: Lot, depth: int) -> None:
		for step in own_steps.get(lot, []):
			ordered.append((depth, step))
			transformation = step.movement.transformation
			if transformation and transformation in links and transformation not in expanded:
				expanded.add(transformation)
				for link in links[transformation]:
					ordered.append((depth + 1, link))
					add_lot_steps(link.movement.lot, depth + 2)

	for lot in start_lots:
		add_lot_steps(lot, 0)
	return ordered


@dataclass(frozen=True)
class MassBalance:
	"""Where a lot's quantity went: received or produced = consumed + delivered - returned
	+ on hand + adjusted + other, where `other` holds movements of no named kind and
	`difference` is whatever is left unexplained."""

	received_or_produced: float
	consumed: float
	delivered: float
	returned: float
	adjusted: float  # lost in counts (negative when a count found more)
	other: float  # net out by movements of no named kind, transfers still in transit
	on_hand: float

	@property
	def difference(self) -> float:
		accounted = self.consumed + self.delivered - self.returned + self.on_hand + self.adjusted + self.other
		return round(self.received_or_produced - accounted, 9)


def mass_balance(movements: Iterable[Movement], on_hand: float) -> MassBalance:
	"""The mass balance of a lot from all its movements and its stock on hand, taken from
	an independent source, so that a ledger that does not add up shows a difference."""
	totals = dict.fromkeys(Kind.ALL, 0.0)
	for movement in movements:
		totals[movement.kind] = totals.get(movement.kind, 0.0) + movement.qty
	return MassBalance(
		received_or_produced=totals[Kind.RECEIPT] + totals[Kind.PRODUCTION] + totals[Kind.PURCHASE_RETURN],
		# 0.0 - x, not -x: an empty total must read 0, not -0.
		consumed=0.0 - totals[Kind.CONSUMPTION],
		delivered=0.0 - totals[Kind.DELIVERY],
		returned=totals[Kind.SALES_RETURN],
		adjusted=0.0 - totals[Kind.ADJUSTMENT],
		other=0.0 - (totals[Kind.TRANSFER] + totals[Kind.OTHER]),
		on_hand=on_hand,
	)
