"""Field values compared the same way whether they were read from the database or sent with
a request (a string for a date, "1" for a check): the checks that refuse a change made
outside the app's own actions (hold fields, a recall's trace) compare through here."""

from frappe.utils import cint, cstr, flt, get_datetime, getdate


def changed_fields(meta, before, after, fieldnames) -> list[str]:
	"""The fields of `fieldnames` whose values differ; `before` and `after` are documents
	or dicts of the doctype `meta` describes."""
	return [
		fieldname
		for fieldname in fieldnames
		if comparable(meta, fieldname, before.get(fieldname))
		!= comparable(meta, fieldname, after.get(fieldname))
	]


def comparable(meta, fieldname: str, value):
	"""One form for a value read from the database and the same value sent as JSON."""
	fieldtype = meta.get_field(fieldname).fieldtype
	if fieldtype in ("Float", "Percent", "Currency", "Duration"):
		return flt(value, 6)
	if fieldtype in ("Int", "Check"):
		return cint(value)
	if fieldtype == "Date":
		return getdate(value) if value else None
	if fieldtype == "Datetime":
		return get_datetime(value) if value else None
	return cstr(value) or None
