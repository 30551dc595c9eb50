"""The FDA's FSMA 204 sortable spreadsheet of a Product Recall, as XLSX or CSV.

The recall's lots are traced again both ways (the same trace as the snapshot's), and every
receiving, transformation and shipping event of the lots reached becomes a row
(`core.fsma`). This module looks up what the rows say besides the movements: product
descriptions, units, the suppliers' lot codes, and location descriptions of warehouses,
customers and suppliers.
"""

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.contacts.doctype.address.address import get_default_address
from frappe.utils.xlsxutils import make_xlsx

from traceability_plus.core.fsma import (
	HEADINGS,
	Sources,
	location_description,
	spreadsheet_rows,
	text_safe_rows,
	to_csv,
	tracking_events,
)
from traceability_plus.core.genealogy import Movement, Voucher
from traceability_plus.recall.party_details import address_details, party_details
from traceability_plus.recall.snapshot import RecallTrace, read_supplier_lots
from traceability_plus.traceability_setup.records import item_details, readable_names

FILE_FORMATS = ("xlsx", "csv")
# The voucher fields that name the customer's or supplier's address, best first.
PARTY_ADDRESS_FIELDS = {
	"Delivery Note": ("shipping_address_name", "customer_address"),
	"Sales Invoice": ("shipping_address_name", "customer_address"),
	"POS Invoice": ("shipping_address_name", "customer_address"),
	"Purchase Receipt": ("supplier_address",),
	"Purchase Invoice": ("supplier_address",),
	"Subcontracting Receipt": ("supplier_address",),
}


@frappe.whitelist(methods=["POST"])
def download_fsma_204(name: str, file_format: str = "xlsx"):
	"""The Export FSMA 204 buttons of a Product Recall (a POST: it traces the recall again)."""
	recall = frappe.get_doc("Product Recall", name)
	recall.check_permission("read")
	if file_format not in FILE_FORMATS:
		frappe.throw(_("Export as xlsx or csv, not {0}.").format(file_format))
	rows = recall_spreadsheet_rows(recall)
	filename = f"{recall.name} FSMA 204.{file_format}"
	if file_format == "csv":
		content = to_csv(rows).encode("utf-8-sig")  # with a byte order mark, so Excel reads UTF-8
	else:
		# openpyxl stores a cell starting with "=" as a live formula.
		content = make_xlsx([list(HEADINGS), *text_safe_rows(rows)], "FSMA 204").getvalue()
	frappe.local.response.filename = filename
	frappe.local.response.filecontent = content
	# An attachment: the browser saves it and the desk stays where it is.
	frappe.local.response.type = "download"


@frappe.read_only()
def recall_spreadsheet_rows(recall) -> list[list]:
	traced = RecallTrace(recall.company, recall.start_lots())
	steps = [step for direction_steps in traced.steps.values() for step in direction_steps]
	lots = set(recall.start_lots()) | {step.movement.lot for step in steps}
	transformations = {step.movement.transformation for step in steps if step.movement.transformation}
	events = tracking_events(
		traced.movements.of_lots(lots),
		traced.movements.of_transformations(transformations),
		lots,
		transformations,
	)
	return spreadsheet_rows(events, spreadsheet_sources(recall.company, events))


def spreadsheet_sources(company: str, events: list[Movement]) -> Sources:
	items = item_details({m.item_code for m in events})
	lot_codes = read_supplier_lots({m.batch_no for m in events if m.batch_no})
	return Sources(
		products={code: (item.item_name or code, item.stock_uom) for code, item in items.items()},
		supplier_lot_codes={m.lot: lot_codes[m.batch_no] for m in events if m.batch_no in lot_codes},
		warehouse_locations=warehouse_locations(company, {m.warehouse for m in events}),
		party_locations=party_locations(events),
	)


def warehouse_locations(company: str, warehouses: set[str]) -> dict[str, str]:
	"""Our business name with the warehouse's address, or the company's address if the
	warehouse has none."""
	if not warehouses:
		return {}
	table = frappe.qb.DocType("Warehouse")
	rows = (
		frappe.qb.from_(table)
		.select(
			table.name,
			table.warehouse_name,
			table.company,
			table.address_line_1,
			table.address_line_2,
			table.city,
			table.state,
			table.pin,
			table.phone_no,
		)
		.where(table.name.isin(warehouses))
		.run(as_dict=True)
	)
	company_addresses = {}
	locations = {}
	for row in rows:
		name = f"{row.company} ({row.warehouse_name})"
		if row.address_line_1 or row.city:
			address = {
				"address_line1": row.address_line_1,
				"address_line2": row.address_line_2,
				"city": row.city,
				"state": row.state,
				"pincode": row.pin,
				"phone": row.phone_no,
			}
		else:
			if row.company not in company_addresses:
				address_name = get_default_address("Company", row.company)
				company_addresses[row.company] = address_details(
					{address_name} if address_name else set()
				).get(address_name, {})
			address = company_addresses[row.company]
		locations[row.name] = location_description(name, address)
	return locations


def party_locations(events: Iterable[Movement]) -> dict[Voucher, str]:
	"""The location of each voucher's customer or supplier: the address on the voucher, or
	the party's primary address."""
	parties: dict[Voucher, tuple[str, str]] = {
		m.voucher: (m.party_type, m.party) for m in events if m.party_type and m.party
	}
	voucher_address = voucher_addresses(set(parties))
	details = {}
	for party_type in {party_type for party_type, _party in parties.values()}:
		details[party_type] = party_details(party_type, {p for t, p in parties.values() if t == party_type})
	# A customer's or supplier's address and phone go in only for a user who may read the Address.
	addresses = address_details(
		readable_names(
			"Address",
			set(voucher_address.values())
			| {d.address for per_type in details.values() for d in per_type.values() if d.address},
		)
	)
	locations = {}
	for voucher, (party_type, party) in parties.items():
		party_detail = details[party_type].get(party) or frappe._dict()
		address_name = voucher_address.get(voucher) or party_detail.get("address")
		locations[voucher] = location_description(
			party_detail.get("party_name") or party, addresses.get(address_name)
		)
	return locations


def voucher_addresses(vouchers: set[Voucher]) -> dict[Voucher, str]:
	found = {}
	for voucher_type, fields in PARTY_ADDRESS_FIELDS.items():
		names = [no for vtype, no in vouchers if vtype == voucher_type]
		if not names:
			continue
		table = frappe.qb.DocType(voucher_type)
		query = frappe.qb.from_(table).select(table.name, *(table[f] for f in fields))
		for row in query.where(table.name.isin(names)).run():
			address = next((value for value in row[1:] if value), None)
			if address:
				found[(voucher_type, row[0])] = address
	return found
