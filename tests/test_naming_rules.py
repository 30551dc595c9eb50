from datetime import date

from traceability_plus.core.naming_rules import NamingRule, NamingSubject, choose_rule, default_expiry_date

PARACETAMOL = NamingSubject(
	applies_to="Batch",
	item_code="PARA500",
	item_groups=("Tablets", "Drugs", "All Item Groups"),
	supplier="Acme",
)


def rule(name, **fields):
	return NamingRule(
		name=name, applies_to=fields.pop("applies_to", "Batch"), naming_pattern="L.####", **fields
	)


def test_no_rule_means_erpnext_naming():
	assert choose_rule([], PARACETAMOL) is None
	assert choose_rule([rule("other item", item_code="IBU200")], PARACETAMOL) is None


def test_item_beats_item_group_beats_default():
	rules = [rule("default"), rule("group", item_group="Drugs"), rule("item", item_code="PARA500")]
	assert choose_rule(rules, PARACETAMOL).name == "item"
	assert choose_rule(rules[:2], PARACETAMOL).name == "group"
	assert choose_rule(rules[:1], PARACETAMOL).name == "default"


def test_nearest_item_group_wins():
	rules = [rule("root", item_group="All Item Groups"), rule("tablets", item_group="Tablets")]
	assert choose_rule(rules, PARACETAMOL).name == "tablets"


def test_priority_breaks_ties_then_the_name():
	rules = [rule("b low", priority=1), rule("a high", priority=5)]
	assert choose_rule(rules, PARACETAMOL).name == "a high"
	assert choose_rule([rule("b"), rule("a")], PARACETAMOL).name == "a"


def test_supplier_rule_matches_only_its_supplier_and_beats_any_supplier():
	rules = [rule("any"), rule("acme", supplier="Acme"), rule("globex", supplier="Globex")]
	assert choose_rule(rules, PARACETAMOL).name == "acme"
	assert choose_rule(rules, NamingSubject("Batch", "PARA500", ("Drugs",), "Initech")).name == "any"


def test_disabled_rules_and_other_kinds_are_ignored():
	rules = [rule("off", enabled=False, item_code="PARA500"), rule("serial", applies_to="Serial No")]
	assert choose_rule(rules, PARACETAMOL) is None


def test_expiry_is_manufacturing_date_plus_shelf_life():
	assert default_expiry_date(date(2026, 1, 10), date(2026, 2, 1), 30) == date(2026, 2, 9)


def test_expiry_falls_back_to_the_posting_date():
	assert default_expiry_date(None, date(2026, 2, 1), 10) == date(2026, 2, 11)


def test_no_shelf_life_no_default_expiry():
	assert default_expiry_date(date(2026, 1, 10), date(2026, 2, 1), 0) is None
	assert default_expiry_date(date(2026, 1, 10), date(2026, 2, 1), None) is None
