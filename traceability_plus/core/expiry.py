"""The one expiry rule: a batch's expiry date is the last day it may be used."""

from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from typing import TypeVar

T = TypeVar("T")


class ExpiryStatus(Enum):
	EXPIRED = "Expired"
	EXPIRING_SOON = "Expiring Soon"
	VALID = "Valid"
	NO_EXPIRY = "No Expiry"


def is_expired(expiry_date: date | None, on: date) -> bool:
	"""True when `on` is after the expiry date; a batch is still usable on its expiry date."""
	return expiry_date is not None and on > expiry_date


def days_to_expiry(expiry_date: date | None, on: date) -> int | None:
	"""Days from `on` to the expiry date: 0 on the expiry date itself, negative once expired."""
	return None if expiry_date is None else (expiry_date - on).days


def expiry_status(expiry_date: date | None, on: date, alert_days: int) -> ExpiryStatus:
	"""Expired, Expiring Soon (within `alert_days`, the expiry date included), Valid or No Expiry."""
	if expiry_date is None:
		return ExpiryStatus.NO_EXPIRY
	if is_expired(expiry_date, on):
		return ExpiryStatus.EXPIRED
	if days_to_expiry(expiry_date, on) <= alert_days:
		return ExpiryStatus.EXPIRING_SOON
	return ExpiryStatus.VALID


ON_HOLD = "On Hold"


def stock_status(expiry_date: date | None, on: date, alert_days: int, on_hold: bool) -> str:
	"""What a batch in stock is: an expiry status, or On Hold. Expired outranks a hold
	(expired batches are often held for that very reason); a hold outranks the rest."""
	status = expiry_status(expiry_date, on, alert_days)
	if on_hold and status != ExpiryStatus.EXPIRED:
		return ON_HOLD
	return status.value


def first_expiry_first_out(batches: Iterable[T], expiry_date: Callable[[T], date | None]) -> list[T]:
	"""FEFO: the earliest expiry first. `batches` come oldest first (FIFO); batches with the
	same expiry date, and those without one (after every dated batch), keep that order."""
	return sorted(batches, key=lambda batch: (expiry_date(batch) is None, expiry_date(batch) or date.max))
