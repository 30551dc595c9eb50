"""The batch-or-serial rule: an item is tracked by batch or by serial number, never both.

ERPNext allows both flags on one item. Traceability needs one answer to "what
identifies a unit of this item", so the app refuses the combination, except on
items that already had it before the app was installed: they keep working (ERPNext
forbids changing either flag once stock has moved) and are listed for the admin.
"""

from dataclasses import dataclass
from enum import Enum


class TrackingVerdict(Enum):
	ALLOWED = "allowed"
	# Both flags on an item that had both before this save: allowed, with a warning.
	LEGACY_BOTH = "legacy_both"
	REFUSED = "refused"


@dataclass(frozen=True)
class TrackingFlags:
	has_batch_no: bool
	has_serial_no: bool

	@property
	def both(self) -> bool:
		return self.has_batch_no and self.has_serial_no


def judge_item_tracking(
	new: TrackingFlags, before_save: TrackingFlags | None, enforce_single_tracking: bool
) -> TrackingVerdict:
	"""Decide whether an Item with the flags `new` may be saved.

	`before_save` is what the database held before this save, None for a new item.
	"""
	if not enforce_single_tracking or not new.both:
		return TrackingVerdict.ALLOWED
	if before_save is not None and before_save.both:
		return TrackingVerdict.LEGACY_BOTH
	return TrackingVerdict.REFUSED
