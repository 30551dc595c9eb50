# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class TraceabilityHoldRole(Document):
	"""A role that may put stock on hold and release it."""
