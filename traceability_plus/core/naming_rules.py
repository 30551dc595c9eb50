"""Which Tracking Naming Rule names a new batch or serial number, and its expiry date."""

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class NamingRule:
	name: str
	applies_to: str  # "Batch" or "Serial No"
	naming_pattern: str
	item_code: str | None = None
	item_group: str | None = None
	supplier: str | None = None
	priority: int = 0
	enabled: bool = True
	gs1_safe: bool = False  # names must fit GS1 AI (10) / (21)


@dataclass(frozen=True)
class NamingSubject:
	"""What is being numbered: an item, its item group and the groups above it, the supplier."""

	applies_to: str
	item_code: str
	item_groups: tuple[str, ...]  # the item's own group first, then its parents up to the root
	supplier: str | None = None


def choose_rule(rules: list[NamingRule], subject: NamingSubject) -> NamingRule | None:
	"""The most specific enabled rule that matches, or None for ERPNext's own naming.

	Item beats item group beats a default rule; among item-group rules the nearest
	group wins; then a rule for this supplier beats one for any supplier; then the
	higher priority; then the rule's name, so the choice never depends on row order.
	"""
	candidates = []
	for rule in rules:
		if not rule.enabled or rule.applies_to != subject.applies_to:
			continue
		if rule.item_code and rule.item_code != subject.item_code:
			continue
		if rule.supplier and rule.supplier != subject.supplier:
			continue
		if rule.item_group and rule.item_group not in subject.item_groups:
			continue
		if rule.item_code:
			level, group_distance = 2, 0
		elif rule.item_group:
			level, group_distance = 1, subject.item_groups.index(rule.item_group)
		else:
			level, group_distance = 0, 0
		candidates.append((-level, group_distance, not rule.supplier, -rule.priority, rule.name, rule))
	if not candidates:
		return None
	return min(candidates, key=lambda candidate: candidate[:5])[-1]


def default_expiry_date(
	manufacturing_date: date | None, posting_date: date, shelf_life_in_days: int | None
) -> date | None:
	"""Expiry = manufacturing date (or the posting date when unknown) + the item's shelf life.

	The expiry date is the last day the batch may be used. None when the item has no
	shelf life: then only an expiry date typed by the user counts.
	"""
	if not shelf_life_in_days or shelf_life_in_days <= 0:
		return None
	return (manufacturing_date or posting_date) + timedelta(days=shelf_life_in_days)
