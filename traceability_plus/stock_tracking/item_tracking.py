"""Item doc events: the batch-or-serial rule (see core.tracking_policy)."""

import frappe
from frappe import _
from frappe.utils import cint

from traceability_plus.core.tracking_policy import TrackingFlags, TrackingVerdict, judge_item_tracking
from traceability_plus.traceability_setup.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)

ITEMS_WITH_BOTH_REPORT = "Items Tracked By Batch And Serial"


def validate_item_tracking(doc, method=None):
	"""Item.validate: runs for the desk form, the REST API and Data Import alike."""
	before_save = None
	if not doc.is_new():
		stored = frappe.db.get_value("Item", doc.name, ["has_batch_no", "has_serial_no"], as_dict=True)
		if stored:
			before_save = TrackingFlags(bool(stored.has_batch_no), bool(stored.has_serial_no))

	verdict = judge_item_tracking(
		TrackingFlags(bool(cint(doc.has_batch_no)), bool(cint(doc.has_serial_no))),
		before_save,
		enforce_single_tracking=bool(cint(get_traceability_settings().enforce_single_tracking)),
	)

	if verdict is TrackingVerdict.REFUSED:
		frappe.throw(
			_(
				"Item {0} cannot be tracked by both batch and serial number. "
				"Choose one: untick Has Batch No or Has Serial No."
			).format(frappe.bold(doc.name or doc.item_code)),
			title=_("Batch or Serial, Not Both"),
		)
	elif verdict is TrackingVerdict.LEGACY_BOTH:
		frappe.msgprint(
			_(
				"Item {0} is tracked by both batch and serial number, which Traceability Plus does not allow "
				"for new items. It keeps working; fix it when you can (see the report {1})."
			).format(frappe.bold(doc.name), frappe.bold(_(ITEMS_WITH_BOTH_REPORT))),
			indicator="orange",
			alert=True,
		)
