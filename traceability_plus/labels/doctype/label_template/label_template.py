# Copyright (c) 2026, Traceability Plus developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, flt

from traceability_plus.core import labels

CUSTOM = "Custom"
# Page presets in mm: a thermal roll label, a shipping label, an A4 sheet of 24 labels.
PAGE_PRESETS = {
	"Thermal 50 x 25 mm": {"page_width_mm": 50, "page_height_mm": 25, "rows": 1, "columns": 1},
	"Thermal 4 x 6 in": {"page_width_mm": 101.6, "page_height_mm": 152.4, "rows": 1, "columns": 1},
	"A4 Sheet 3 x 8": {
		"page_width_mm": 210,
		"page_height_mm": 297,
		"rows": 8,
		"columns": 3,
		"margin_top_mm": 10.5,
		"margin_left_mm": 7,
		"gap_x_mm": 2.5,
		"gap_y_mm": 0,
	},
}
PAGE_FIELDS = ("margin_top_mm", "margin_left_mm", "gap_x_mm", "gap_y_mm")
MAX_LABELS_PER_ROW = 10_000


class LabelTemplate(Document):
	def validate(self):
		if self.page_preset and self.page_preset != CUSTOM:
			self.update({field: 0 for field in PAGE_FIELDS})
			self.update(PAGE_PRESETS[self.page_preset])
		if flt(self.font_size) < labels.MIN_FONT_SIZE:
			frappe.throw(_("Font Size must be at least {0} pt.").format(labels.MIN_FONT_SIZE))
		if not 1 <= cint(self.max_labels_per_row) <= MAX_LABELS_PER_ROW:
			frappe.throw(_("Most Labels per Row must be from 1 to {0}.").format(MAX_LABELS_PER_ROW))
		self.layout()  # refuses a page with no room for its labels

	def layout(self) -> labels.PageLayout:
		try:
			return labels.PageLayout(
				page_width=flt(self.page_width_mm),
				page_height=flt(self.page_height_mm),
				rows=cint(self.rows),
				columns=cint(self.columns),
				margin_top=flt(self.margin_top_mm),
				margin_left=flt(self.margin_left_mm),
				gap_x=flt(self.gap_x_mm),
				gap_y=flt(self.gap_y_mm),
			)
		except labels.LabelError as error:
			frappe.throw(_("This page cannot hold its labels: {0}").format(error), title=_("Page Too Small"))

	def label_template(self) -> labels.LabelTemplate:
		return labels.LabelTemplate(layout=self.layout(), font_size=flt(self.font_size) or 7)


@frappe.whitelist()
def get_page_preset(preset: str) -> dict | None:
	"""The sizes of a page preset, for the form to fill in."""
	if preset not in PAGE_PRESETS:
		return None
	return {field: 0 for field in PAGE_FIELDS} | PAGE_PRESETS[preset]
