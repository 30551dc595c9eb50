"""Print Labels: collect what a document's labels say, render them in core, return one PDF.

Items, batches, serial numbers and stock vouchers each give label sources (an item, maybe
a batch or a serial number, and how many copies). From a voucher, the labels are those of
the batches and serial numbers in its rows' Serial and Batch Bundles: for a Purchase
Receipt, every batch and serial it received. Runs of more than BACKGROUND_THRESHOLD labels
render in a background job that attaches the PDF to the document.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import repeat

import frappe
from frappe import _
from frappe.utils import cint, escape_html, flt, formatdate, getdate
from frappe.utils.background_jobs import is_job_enqueued

from traceability_plus.core import gs1
from traceability_plus.core import labels as layout
from traceability_plus.traceability_setup.records import batch_details, item_details, require_readable

LABEL_DOCTYPES = ("Item", "Batch", "Serial No", "Purchase Receipt", "Delivery Note", "Stock Entry")
ONE_PER_UNIT = "One per Unit"
ONE_PER_ROW = "One per Row"
BACKGROUND_THRESHOLD = 500
# Labels per request when Traceability Settings name no ceiling.
DEFAULT_MAX_LABELS_PER_REQUEST = 5000
# A background run renders PDFs of this many labels at most: its memory is that of one part.
LABELS_PER_PART = 2000
# Item barcode types that hold a GTIN (ERPNext's Item Barcode options).
GTIN_BARCODE_TYPES = ("GTIN", "EAN", "EAN-8", "EAN-12", "UPC-A", "UPC", "JAN", "GS1", "ISBN-13", "")


@dataclass
class LabelSource:
	item_code: str
	batch_no: str | None = None
	serial_no: str | None = None
	copies: int = 1


# -- what to print ---------------------------------------------------------------------------


def label_sources(doc, batch_copies: str = ONE_PER_UNIT, max_per_row: int = 100) -> list[LabelSource]:
	"""The labels of a document, in the order of its rows."""
	if doc.doctype == "Item":
		return [LabelSource(doc.name)]
	if doc.doctype == "Batch":
		return [
			LabelSource(doc.item, doc.name, copies=_copies(flt(doc.batch_qty), batch_copies, max_per_row))
		]
	if doc.doctype == "Serial No":
		return [LabelSource(doc.item_code, doc.batch_no, doc.name)]
	sources = []
	for row in _rows_to_label(doc):
		entries = _bundle_entries(row.serial_and_batch_bundle) if row.get("serial_and_batch_bundle") else []
		if entries:
			for entry in entries:
				if entry.serial_no:
					sources.append(LabelSource(row.item_code, entry.batch_no, entry.serial_no))
				else:
					copies = _copies(abs(flt(entry.qty)), batch_copies, max_per_row)
					sources.append(LabelSource(row.item_code, entry.batch_no, copies=copies))
		elif row.get("serial_no"):
			sources += [LabelSource(row.item_code, row.get("batch_no"), sn) for sn in row.serial_no.split()]
		else:
			copies = _copies(flt(row.get("stock_qty") or row.qty), batch_copies, max_per_row)
			sources.append(LabelSource(row.item_code, row.get("batch_no"), copies=copies))
	return sources


def _rows_to_label(doc) -> list:
	"""Stock entries label what came in (received, produced, moved in); other vouchers every row."""
	rows = [row for row in doc.get("items") if row.item_code]
	if doc.doctype == "Stock Entry":
		incoming = [row for row in rows if row.t_warehouse]
		return incoming or rows
	return rows


def _bundle_entries(bundle: str) -> list:
	entry = frappe.qb.DocType("Serial and Batch Entry")
	return (
		frappe.qb.from_(entry)
		.select(entry.batch_no, entry.serial_no, entry.qty)
		.where(entry.parent == bundle)
		.orderby(entry.idx)
		.run(as_dict=True)
	)


def _copies(qty: float, batch_copies: str, max_per_row: int) -> int:
	if batch_copies == ONE_PER_ROW:
		return 1
	# A part unit still needs its label.
	return max(1, min(int(-(-qty // 1)), max_per_row))


def count_labels(sources: list[LabelSource]) -> int:
	return sum(source.copies for source in sources)


# -- what a label says -----------------------------------------------------------------------


def build_labels(sources: list[LabelSource], template) -> list[layout.Label]:
	"""The core labels for the sources, one per copy; a clear error for data that cannot print."""
	return list(iter_labels(sources, template))


def iter_labels(sources: list[LabelSource], template) -> Iterator[layout.Label]:
	"""The core labels one copy at a time: a run of thousands is never held as a list."""
	items = item_details({s.item_code for s in sources})
	batches = batch_details({s.batch_no for s in sources if s.batch_no})
	# Only GS1-128 and EAN-13 carry the GTIN: a Code 128 label prints even if a barcode is wrong.
	needs_gtin = template.symbology in (layout.GS1_128, layout.EAN_13)
	gtins = {item_code: item_gtin(item_code, required=False) for item_code in items} if needs_gtin else {}
	for source in sources:
		label = _label(source, template, items[source.item_code], batches.get(source.batch_no), gtins)
		yield from repeat(label, source.copies)


def _label(source: LabelSource, template, item, batch, gtins) -> layout.Label:
	batch = batch or frappe._dict()
	lines = []
	if template.show_item_code:
		lines.append(source.item_code)
	if template.show_item_name and item.item_name and item.item_name != source.item_code:
		lines.append(item.item_name)
	if template.show_batch_no and source.batch_no:
		lines.append(_("Batch: {0}").format(source.batch_no))
	if template.show_supplier_lot and batch.tp_supplier_lot:
		lines.append(_("Supplier Lot: {0}").format(batch.tp_supplier_lot))
	if template.show_manufacturing_date and batch.manufacturing_date:
		lines.append(_("Mfg: {0}").format(formatdate(batch.manufacturing_date)))
	if template.show_expiry_date and batch.expiry_date:
		lines.append(_("Exp: {0}").format(formatdate(batch.expiry_date)))
	if template.show_serial_no and source.serial_no:
		lines.append(_("S/N: {0}").format(source.serial_no))
	if template.free_text:
		lines.extend(line for line in template.free_text.splitlines() if line.strip())
	return layout.Label(tuple(lines), _barcode(source, template, batch, gtins.get(source.item_code)))


def _barcode(source: LabelSource, template, batch, gtin: str | None) -> layout.Barcode:
	symbology = template.symbology
	if symbology == layout.GS1_128:
		if not gtin:
			frappe.throw(
				_(
					"Item {0} has no GTIN, EAN or UPC barcode, which a GS1-128 label needs. Add one in "
					"the item's Barcodes table, or print with a Code 128 template."
				).format(frappe.bold(source.item_code)),
				title=_("GTIN Missing"),
			)
		try:
			element = gs1.element_string(
				gtin=gtin,
				batch=source.batch_no,
				production_date=getdate(batch.manufacturing_date)
				if template.show_manufacturing_date and batch.manufacturing_date
				else None,
				expiry_date=getdate(batch.expiry_date) if batch.expiry_date else None,
				serial=source.serial_no,
			)
		except gs1.GS1Error as error:
			frappe.throw(
				_("Cannot print a GS1-128 label: {0}").format(escape_html(str(error))),
				title=_("Not GS1 Encodable"),
			)
		return layout.Barcode(symbology, element.barcode_data, element.human_readable)
	if symbology == layout.EAN_13:
		if not gtin or not gtin.startswith("0"):
			frappe.throw(
				_("Item {0} has no EAN-13 barcode to print.").format(frappe.bold(source.item_code)),
				title=_("EAN Missing"),
			)
		return layout.Barcode(symbology, gtin[1:], gtin[1:])
	# Code 128 and QR carry the most specific number: the serial, else the batch, else the item.
	data = source.serial_no or source.batch_no or source.item_code
	return layout.Barcode(symbology, data, data if symbology == layout.CODE_128 else None)


def item_gtin(item_code: str, required: bool = True) -> str | None:
	"""The item's GTIN-14 from its barcodes; a GTIN-like barcode with a wrong check digit is
	refused with a message that names it."""
	barcodes = frappe.get_all(
		"Item Barcode",
		filters={"parent": item_code, "parenttype": "Item"},
		fields=["barcode", "barcode_type"],
		order_by="idx",
	)
	for row in barcodes:
		code = (row.barcode or "").strip()
		if (row.barcode_type or "") in GTIN_BARCODE_TYPES and code.isdigit() and len(code) in (8, 12, 13, 14):
			try:
				return gs1.gtin14(code)
			except gs1.GS1Error as error:
				frappe.throw(
					_("Item {0}: barcode {1} cannot be used. {2}").format(
						frappe.bold(item_code), escape_html(code), escape_html(str(error))
					),
					title=_("Wrong Check Digit"),
				)
	if required:
		frappe.throw(_("Item {0} has no GTIN barcode.").format(frappe.bold(item_code)))
	return None


# -- the PDF ---------------------------------------------------------------------------------


@contextmanager
def label_errors_as_messages(template):
	"""A label that cannot print legibly with the template, as a message for the desk."""
	try:
		yield
	except layout.LabelError as error:
		frappe.throw(
			_("Cannot print with template {0}: {1}").format(
				frappe.bold(template.name), escape_html(str(error))
			),
			title=_("Label Does Not Fit"),
		)


def render_pdf(sources: list[LabelSource], template, progress=None) -> bytes:
	with label_errors_as_messages(template):
		return layout.render_labels(
			template.label_template(), iter_labels(sources, template), progress=progress, title=_("Labels")
		)


def render_pdf_parts(sources: list[LabelSource], template, progress=None):
	"""The labels as PDFs of at most LABELS_PER_PART labels, made one after the other."""
	with label_errors_as_messages(template):
		yield from layout.render_label_parts(
			template.label_template(),
			iter_labels(sources, template),
			LABELS_PER_PART,
			progress=progress,
			title=_("Labels"),
		)


def file_name(doctype: str, name: str) -> str:
	return f"labels-{frappe.scrub(doctype)}-{name}.pdf".replace("/", "-")


# -- API behind the Print Labels button -------------------------------------------------------


def _prepare(doctype: str, name: str, template: str | None, batch_copies: str | None, max_per_row):
	if doctype not in LABEL_DOCTYPES:
		frappe.throw(_("Labels cannot be printed from {0}.").format(_(doctype)))
	require_readable(doctype, name)
	doc = frappe.get_doc(doctype, name)
	if doc.docstatus == 2:
		frappe.throw(_("{0} {1} is cancelled: there is nothing to label.").format(_(doctype), name))
	if doc.meta.is_submittable and doc.docstatus == 0:
		frappe.throw(
			_(
				"Submit {0} {1} first: its labels are those of the batches and serial numbers it posts."
			).format(_(doctype), name),
			title=_("Draft"),
		)
	template = template or frappe.db.get_single_value("Traceability Settings", "default_label_template")
	if not template or not frappe.db.exists("Label Template", template):
		frappe.throw(_("Choose a Label Template."), title=_("Template Missing"))
	template_doc = frappe.get_doc("Label Template", template)
	template_doc.check_permission("read")
	batch_copies = batch_copies or template_doc.batch_copies or ONE_PER_UNIT
	if batch_copies not in (ONE_PER_UNIT, ONE_PER_ROW):
		frappe.throw(_("Labels per Batch Row must be {0} or {1}.").format(_(ONE_PER_UNIT), _(ONE_PER_ROW)))
	template_cap = cint(template_doc.max_labels_per_row) or 100
	# The request may ask for fewer labels per row than the template allows, never more.
	max_per_row = min(cint(max_per_row) or template_cap, template_cap)
	if max_per_row < 1:
		frappe.throw(_("Most Labels per Row must be at least 1."))
	sources = label_sources(doc, batch_copies, max_per_row)
	if not sources:
		frappe.throw(_("{0} {1} has nothing to label.").format(_(doctype), name))
	count, ceiling = count_labels(sources), max_labels_per_request()
	if count > ceiling:
		frappe.throw(
			_(
				"{0} {1} would make {2} labels, more than the {3} one request may print. Choose One per "
				"Row or fewer labels per row, or ask a System Manager to raise Most Labels per Request "
				"in Traceability Settings."
			).format(_(doctype), name, count, ceiling),
			title=_("Too Many Labels"),
		)
	return doc, template_doc, sources


def max_labels_per_request() -> int:
	return cint(frappe.db.get_single_value("Traceability Settings", "max_labels_per_request")) or (
		DEFAULT_MAX_LABELS_PER_REQUEST
	)


@frappe.whitelist()
def get_label_count(
	doctype: str, name: str, template: str | None = None, batch_copies: str | None = None, max_per_row=None
) -> dict:
	"""How many labels Print Labels would make, and whether they go to the background.

	A run printed at once is also checked here, one label per row of the document, so that
	data that cannot print comes back as a message in the desk, not as the error page of
	a download."""
	_doc, template_doc, sources = _prepare(doctype, name, template, batch_copies, max_per_row)
	count = count_labels(sources)
	background = count > BACKGROUND_THRESHOLD
	if not background:
		render_pdf([replace(source, copies=1) for source in sources], template_doc)
	return {"count": count, "background": background, "preview": first_label_preview(sources, template_doc)}


def first_label_preview(sources: list[LabelSource], template) -> str:
	"""The first label as an SVG image, drawn by the code that draws the PDF."""
	first = next(iter_labels([replace(sources[0], copies=1)], template))
	with label_errors_as_messages(template):
		return layout.render_label_svg(template.label_template(), first)


@frappe.whitelist(methods=["POST"])
def download_labels(
	doctype: str, name: str, template: str | None = None, batch_copies: str | None = None, max_per_row=None
):
	"""The labels as one PDF download."""
	_doc, template_doc, sources = _prepare(doctype, name, template, batch_copies, max_per_row)
	if count_labels(sources) > BACKGROUND_THRESHOLD:
		frappe.throw(
			_("More than {0} labels are made in the background: use Print Labels again.").format(
				BACKGROUND_THRESHOLD
			)
		)
	frappe.local.response.filename = file_name(doctype, name)
	frappe.local.response.filecontent = render_pdf(sources, template_doc)
	# An attachment: the browser saves it and the desk stays where it is.
	frappe.local.response.type = "download"


@frappe.whitelist(methods=["POST"])
def enqueue_labels(
	doctype: str, name: str, template: str | None = None, batch_copies: str | None = None, max_per_row=None
) -> dict:
	"""Render a big run in the background; the PDFs are attached to the document (or, for a
	user who may not change it, kept as the user's own private files)."""
	_doc, template_doc, sources = _prepare(doctype, name, template, batch_copies, max_per_row)
	job_id = labels_job_id(doctype, name)
	if is_job_enqueued(job_id):
		frappe.throw(
			_("Labels of {0} {1} are being printed already: wait for that run to finish.").format(
				_(doctype), name
			),
			title=_("Already Printing"),
		)
	frappe.enqueue(
		"traceability_plus.labels.printing.attach_labels",
		queue="long",
		timeout=3600,
		job_id=job_id,
		deduplicate=True,
		doctype=doctype,
		name=name,
		template=template_doc.name,
		batch_copies=batch_copies or template_doc.batch_copies,
		max_per_row=max_per_row or template_doc.max_labels_per_row,
		user=frappe.session.user,
		now=frappe.flags.in_test,
	)
	return {"count": count_labels(sources), "job_id": job_id}


def labels_job_id(doctype: str, name: str) -> str:
	return f"traceability_plus_labels::{doctype}::{name}"


def attach_labels(doctype: str, name: str, template: str, batch_copies: str, max_per_row, user: str) -> str:
	"""Background job: render, attach the PDF to the document, tell the user. Returns the file URL."""
	frappe.set_user(user)
	_doc, template_doc, sources = _prepare(doctype, name, template, batch_copies, max_per_row)
	total = count_labels(sources)

	def progress(done: int):
		frappe.publish_progress(
			done * 100 / total, title=_("Printing {0} labels").format(total), doctype=doctype, docname=name
		)

	# Attaching a file changes the document: a reader of it gets the PDFs as private files
	# of their own, linked from the notification.
	attach_to = (doctype, name) if frappe.has_permission(doctype, "write", name) else (None, None)
	parts = render_pdf_parts(sources, template_doc, progress=progress)
	files = []
	for number, pdf in enumerate(parts, start=1):
		files.append(
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": part_file_name(doctype, name, number, total),
					"attached_to_doctype": attach_to[0],
					"attached_to_name": attach_to[1],
					"is_private": 1,
					"content": pdf,
				}
			).insert(ignore_permissions=True)
		)
	frappe.get_doc(
		{
			"doctype": "Notification Log",
			"for_user": user,
			"type": "Alert",
			"document_type": doctype,
			"document_name": name,
			"link": files[0].file_url if not attach_to[0] else None,
			"subject": _("{0} labels for {1} {2} are ready: {3}.").format(
				total, _(doctype), escape_html(name), escape_html(", ".join(f.file_name for f in files))
			),
		}
	).insert(ignore_permissions=True)
	return [f.file_url for f in files]


def part_file_name(doctype: str, name: str, number: int, total: int) -> str:
	if total <= LABELS_PER_PART:
		return file_name(doctype, name)
	parts = -(-total // LABELS_PER_PART)
	return file_name(doctype, name).removesuffix(".pdf") + f"-part-{number}-of-{parts}.pdf"
