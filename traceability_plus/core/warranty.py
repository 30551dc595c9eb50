"""Warranty of a serial number, from its movements: when it came in, who has it, until when."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from traceability_plus.core.genealogy import Kind, Movement

UNDER_WARRANTY = "Under Warranty"
OUT_OF_WARRANTY = "Out of Warranty"
NOT_DELIVERED = "Not Delivered"


def warranty_expiry_date(
	delivered_on: date | None, warranty_period_days: int | None, recorded_expiry: date | None = None
) -> date | None:
	"""The last day of warranty: the date recorded on the serial number if there is one
	(ERPNext writes it at delivery, a user may correct it), else delivery plus the item's
	warranty period. No delivery, no warranty."""
	if delivered_on is None:
		return None
	if recorded_expiry:
		return recorded_expiry
	if warranty_period_days:
		return delivered_on + timedelta(days=warranty_period_days)
	return None


def warranty_status(delivered_on: date | None, expiry: date | None, on: date) -> str:
	"""Under Warranty up to and including its last day; a delivered serial without a warranty
	is Out of Warranty."""
	if delivered_on is None:
		return NOT_DELIVERED
	if expiry is not None and on <= expiry:
		return UNDER_WARRANTY
	return OUT_OF_WARRANTY


@dataclass
class SerialLife:
	"""The events that matter for a serial number's warranty, from its movements in date order."""

	receipt: Movement | None = None  # how it first came in: bought, produced, counted
	delivery: Movement | None = None  # the delivery that the customer still holds, if any
	returns: list[Movement] = field(default_factory=list)


def serial_life(movements: Iterable[Movement]) -> SerialLife:
	life = SerialLife()
	for movement in movements:
		if life.receipt is None and movement.qty > 0 and movement.kind != Kind.SALES_RETURN:
			life.receipt = movement
		elif movement.kind == Kind.DELIVERY:
			life.delivery = movement
		elif movement.kind == Kind.SALES_RETURN:
			life.returns.append(movement)
			life.delivery = None
	return life
