# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallLot(Document):
	"""A lot the recall starts from: a batch or a serial number."""
