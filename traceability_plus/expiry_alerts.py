"""The daily expiry job: tell the Stock Managers about batches that expire soon or have expired.

Each batch is reported once per threshold (Expiring Soon, then Expired): the last alert
sent is kept on the batch. With Hold Expired Batches Automatically, expired batches with
stock are put on hold through the one hold function, with the reason "Expired".
"""

import frappe
from frappe import _
from frappe.desk.doctype.notification_log.notification_log import make_notification_logs
from frappe.utils import cint, format_date, getdate, nowdate
from frappe.utils.user import get_users_with_role

from traceability_plus.core.expiry import ExpiryStatus, expiry_status
from traceability_plus.holds import hold
from traceability_plus.traceability_plus.doctype.traceability_settings.traceability_settings import (
	get_traceability_settings,
)

ALERT_ROLE = "Stock Manager"
ALERTED_STATUSES = (ExpiryStatus.EXPIRING_SOON, ExpiryStatus.EXPIRED)


def send_expiry_alerts(on=None) -> dict[str, int]:
	"""Scheduled daily. Returns how many alerts and holds it made, for the log and the tests."""
	settings = get_traceability_settings()
	today = getdate(on or nowdate())
	alert_days = cint(settings.expiry_alert_days)
	recipients = get_users_with_role(ALERT_ROLE)
	counts = {"alerts": 0, "holds": 0}

	batches = frappe.get_all(
		"Batch",
		filters={"batch_qty": (">", 0), "expiry_date": ("is", "set"), "disabled": 0},
		fields=["name", "item", "expiry_date", "batch_qty", "stock_uom", "tp_expiry_alert", "tp_on_hold"],
		order_by="expiry_date",
	)
	for batch in batches:
		status = expiry_status(getdate(batch.expiry_date), today, alert_days)
		if status is ExpiryStatus.EXPIRED and cint(settings.auto_hold_expired) and not batch.tp_on_hold:
			if hold("Batch", batch.name, _("Expired")):
				counts["holds"] += 1
		if status not in ALERTED_STATUSES or batch.tp_expiry_alert == status.value:
			continue
		if recipients:
			make_notification_logs(alert_for(batch, status), recipients)
		frappe.db.set_value("Batch", batch.name, "tp_expiry_alert", status.value, update_modified=False)
		counts["alerts"] += 1
	return counts


def alert_for(batch, status: ExpiryStatus) -> dict:
	if status is ExpiryStatus.EXPIRED:
		subject = _("Batch {0} of {1} expired on {2}; {3} {4} still in stock.")
	else:
		subject = _("Batch {0} of {1} expires on {2}; {3} {4} in stock.")
	return {
		"type": "Alert",
		"document_type": "Batch",
		"document_name": batch.name,
		"subject": subject.format(
			frappe.bold(batch.name),
			batch.item,
			format_date(batch.expiry_date),
			batch.batch_qty,
			batch.stock_uom or "",
		),
		"from_user": "Administrator",
	}
