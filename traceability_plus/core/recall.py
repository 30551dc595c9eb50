"""What a product recall needs from a trace: the affected lots, the customers who received
them and how much, the suppliers upstream, the share of quantity the ledger accounts for,
and, at close-out, how much of the affected quantity has been brought back under control.

Everything here works on the steps of `genealogy.trace` and on mass balances: plain data in,
plain data out.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from traceability_plus.core.genealogy import Kind, Lot, MassBalance, Movement, TraceStep, Voucher

BATCH = "Batch"
SERIAL_NO = "Serial No"


@dataclass(frozen=True)
class AffectedLot:
	lot: Lot
	number_type: str  # BATCH or SERIAL_NO
	level: int  # transformations between a start lot and this lot; 0 for a start lot

	@property
	def is_start(self) -> bool:
		return self.level == 0


def number_type(movement: Movement) -> str:
	"""Whether the movement's lot is a batch or a serial number (a lot is one or the other)."""
	return BATCH if movement.batch_no else SERIAL_NO


def affected_lots(start: Mapping[Lot, str], forward_steps: Iterable[TraceStep]) -> list[AffectedLot]:
	"""The start lots (lot -> BATCH or SERIAL_NO) and every lot made from them at any depth,
	start lots first, then by level and lot."""
	affected = {lot: AffectedLot(lot, kind, 0) for lot, kind in start.items()}
	for step in forward_steps:
		lot = step.movement.lot
		if step.crossed and lot not in affected:
			affected[lot] = AffectedLot(lot, number_type(step.movement), step.level - 1)
	return sorted(affected.values(), key=lambda lot: (lot.level, lot.lot))


@dataclass(frozen=True)
class VoucherQuantity:
	"""The quantity of one lot that one voucher moved to or from a party: for a customer what
	it shipped (negative: returned), for a supplier what it received."""

	party: str
	voucher: Voucher
	posting_date: date
	lot: Lot
	number_type: str
	qty: float


def per_voucher_and_lot(movements: Iterable[Movement], sign: int) -> list[VoucherQuantity]:
	"""The movements added up per party, voucher and lot, each quantity times `sign`."""
	totals: dict[tuple[str, Voucher, Lot], tuple[Movement, float]] = {}
	for movement in movements:
		key = (movement.party, movement.voucher, movement.lot)
		first, qty = totals.get(key, (movement, 0.0))
		totals[key] = (first, qty + sign * movement.qty)
	quantities = [
		VoucherQuantity(m.party, m.voucher, m.posting_date, m.lot, number_type(m), qty)
		for m, qty in totals.values()
	]
	return sorted(quantities, key=lambda q: (q.party, q.posting_date, q.voucher, q.lot))


@dataclass
class CustomerExposure:
	customer: str
	shipped: float = 0.0
	returned: float = 0.0
	shipments: list[VoucherQuantity] = field(default_factory=list)

	@property
	def net_shipped(self) -> float:
		return self.shipped - self.returned

	@property
	def vouchers(self) -> list[str]:
		return list(dict.fromkeys(shipment.voucher[1] for shipment in self.shipments))


def customers_reached(forward_steps: Iterable[TraceStep]) -> list[CustomerExposure]:
	"""Every customer who received an affected lot, with what each voucher sent or brought back,
	ordered by customer. Quantities are per voucher and lot, in the lot's stock unit."""
	movements = [
		step.movement
		for step in forward_steps
		if step.movement.party_type == "Customer" and step.movement.kind in (Kind.DELIVERY, Kind.SALES_RETURN)
	]
	customers: dict[str, CustomerExposure] = {}
	for shipment in per_voucher_and_lot(movements, sign=-1):
		exposure = customers.setdefault(shipment.party, CustomerExposure(shipment.party))
		exposure.shipments.append(shipment)
		if shipment.qty > 0:
			exposure.shipped += shipment.qty
		else:
			exposure.returned -= shipment.qty
	return list(customers.values())


def suppliers_reached(backward_steps: Iterable[TraceStep]) -> list[VoucherQuantity]:
	"""Every receipt from a supplier found going backward, per voucher and lot."""
	movements = [
		step.movement
		for step in backward_steps
		if step.movement.party_type == "Supplier" and step.movement.qty > 0
	]
	return per_voucher_and_lot(movements, sign=1)


def accounted_share(balances: Iterable[MassBalance]) -> float | None:
	"""The share (0-100) of the quantity received or produced that the mass balances account
	for, over all the lots given; None if nothing was received or produced.

	A lot's unexplained difference counts against it whichever its sign: stock the ledger
	cannot place is as much a gap as stock it cannot explain.
	"""
	received = unexplained = 0.0
	for balance in balances:
		if balance.received_or_produced > 0:
			received += balance.received_or_produced
			unexplained += min(abs(balance.difference), balance.received_or_produced)
	if not received:
		return None
	return round(100 * (received - unexplained) / received, 2)


def recovered_per_customer(movements: Iterable[Movement]) -> dict[str, float]:
	"""Quantity that came back from each customer through sales returns."""
	recovered: dict[str, float] = {}
	for movement in movements:
		if movement.kind == Kind.SALES_RETURN and movement.party_type == "Customer":
			recovered[movement.party] = recovered.get(movement.party, 0.0) + movement.qty
	return recovered


def recall_effectiveness(
	recovered: float, destroyed: float, held_on_hand: float, shipped: float
) -> float | None:
	"""The share (0-100) of the affected quantity brought under control.

	Affected is what customers had (net shipped at the recall) plus what was still in stock
	and put on hold; under control is what came back, what customers confirmed destroyed and
	the held stock. Returned stock goes back on hand, so counting on-hand stock now as well as
	the returns would count it twice: the held stock is the one held at the recall. With
	nothing in stock this is (recovered + destroyed) / shipped.
	"""
	affected = shipped + held_on_hand
	if affected <= 0:
		return None
	under_control = recovered + destroyed + held_on_hand
	return round(100 * min(under_control, affected) / affected, 2)


@dataclass
class UnitQuantities:
	"""A recall's quantities in one stock unit: kilograms are never added to boxes."""

	stock_uom: str
	shipped: float = 0.0
	on_hand: float = 0.0
	held: float = 0.0
	recovered: float = 0.0
	destroyed: float = 0.0

	@property
	def effectiveness(self) -> float | None:
		return recall_effectiveness(self.recovered, self.destroyed, self.held, self.shipped)


def least_effectiveness(units: Iterable[UnitQuantities]) -> float | None:
	"""The recall's effectiveness: that of the unit least brought under control. A share of
	one unit is never averaged with another's, so 100 % of the boxes cannot hide the flour."""
	shares = [unit.effectiveness for unit in units if unit.effectiveness is not None]
	return min(shares) if shares else None


def one_unit_total(quantities: Mapping[str | None, float]) -> float | None:
	"""The sum of quantities given per unit, when they are all of one unit; None otherwise."""
	if len(quantities) > 1:
		return None
	return sum(quantities.values()) if quantities else 0.0
