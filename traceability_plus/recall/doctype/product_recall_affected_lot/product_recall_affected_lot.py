# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

from frappe.model.document import Document


class ProductRecallAffectedLot(Document):
	"""A lot the recall affects: a start lot or a lot made from it, with its mass balance."""
