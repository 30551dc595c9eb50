import pytest

from traceability_plus.core.tracking_policy import TrackingFlags, TrackingVerdict, judge_item_tracking

BATCH = TrackingFlags(has_batch_no=True, has_serial_no=False)
SERIAL = TrackingFlags(has_batch_no=False, has_serial_no=True)
BOTH = TrackingFlags(has_batch_no=True, has_serial_no=True)
NEITHER = TrackingFlags(has_batch_no=False, has_serial_no=False)


@pytest.mark.parametrize("flags", [BATCH, SERIAL, NEITHER])
@pytest.mark.parametrize("before_save", [None, BATCH, SERIAL, NEITHER, BOTH])
def test_one_flag_or_none_is_always_allowed(flags, before_save):
	assert judge_item_tracking(flags, before_save, enforce_single_tracking=True) is TrackingVerdict.ALLOWED


def test_new_item_with_both_is_refused():
	assert judge_item_tracking(BOTH, None, enforce_single_tracking=True) is TrackingVerdict.REFUSED


@pytest.mark.parametrize("before_save", [BATCH, SERIAL, NEITHER])
def test_existing_item_gaining_the_second_flag_is_refused(before_save):
	assert judge_item_tracking(BOTH, before_save, enforce_single_tracking=True) is TrackingVerdict.REFUSED


def test_item_that_already_had_both_keeps_working_with_a_warning():
	assert judge_item_tracking(BOTH, BOTH, enforce_single_tracking=True) is TrackingVerdict.LEGACY_BOTH


@pytest.mark.parametrize("before_save", [None, BATCH, BOTH])
def test_switch_off_allows_both(before_save):
	assert judge_item_tracking(BOTH, before_save, enforce_single_tracking=False) is TrackingVerdict.ALLOWED


def test_core_never_imports_frappe():
	"""core/ must stay importable and testable without Frappe."""
	import pathlib

	core = pathlib.Path(__file__).resolve().parents[1] / "traceability_plus" / "core"
	offenders = [
		str(path)
		for path in core.rglob("*.py")
		if any(
			line.strip().startswith(("import frappe", "from frappe"))
			for line in path.read_text(encoding="utf-8").splitlines()
		)
	]
	assert offenders == []
