"""The genealogy walk behind the recall trace: from a lot, backward to its sources and
forward to every place it went, through transformations (Manufacture, Repack) at any depth.

The walk is breadth-first, one level at a time, so a caller backed by a database asks two
questions per level whatever the size of the ledger: the movements of a set of lots, and
all movements of a set of transforming vouchers. Lots and vouchers are visited once, so
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
	is_transformation: bool = False  # the voucher turns some lots into others

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


def trace(
	start: Iterable[Lot],
	direction: str,
	movements_of_lots: Callable[[set[Lot]], Iterable[Movement]],
	movements_of_vouchers: Callable[[set[Voucher]], Iterable[Movement]],
	max_depth: int | None = None,
) -> list[TraceStep]:
	"""Every movement reached from `start` in one direction, level by level.

	Backward follows a lot to where it came in (receipts, transformations that made it)
	and through transformations to their input lots. Forward follows it to where it went
	out (deliveries, issues, transformations that consumed it) and through transformations
	to their output lots. Both record every movement of the lots they reach in that
	direction; the start lots' own movements are level 1. The movement that links a new
	lot across a transformation (its production going forward, its consumption going
	backward) opens the next level.
	"""
	if direction not in (BACKWARD, FORWARD):
		raise ValueError(f"direction must be {BACKWARD} or {FORWARD}, not {direction!r}")
	seen_lots: set[Lot] = set(start)
	seen_vouchers: set[Voucher] = set()
	frontier = set(seen_lots)
	steps: list[TraceStep] = []
	level = 1
	while frontier and (max_depth is None or level <= max_depth):
		to_cross: set[Voucher] = set()
		for movement in sorted(movements_of_lots(frontier), key=_movement_order):
			if _goes_this_way(movement, direction):
				steps.append(TraceStep(level, direction, movement))
				if movement.is_transformation and movement.voucher not in seen_vouchers:
					to_cross.add(movement.voucher)
		seen_vouchers |= to_cross
		frontier = set()
		if to_cross and (max_depth is None or level < max_depth):
			for movement in sorted(movements_of_vouchers(to_cross), key=_movement_order):
				# Across a transformation: forward to what it produced, backward to what it used.
				if not _goes_this_way(movement, direction) and movement.lot not in seen_lots:
					steps.append(TraceStep(level + 1, direction, movement))
					seen_lots.add(movement.lot)
					frontier.add(movement.lot)
		level += 1
	return steps


def _goes_this_way(movement: Movement, direction: str) -> bool:
	return movement.qty < 0 if direction == FORWARD else movement.qty > 0


def _movement_order(movement: Movement):
	return (movement.posting_date, movement.voucher_type, movement.voucher_no, movement.lot)
