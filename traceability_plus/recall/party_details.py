"""Who to call and where they are: primary contacts and addresses of customers and suppliers,
read for many parties at once (a recall can reach a thousand customers).

The party's own primary contact and address come first (Customer Primary Contact / Address,
Supplier Primary Contact / Address); failing that, the contact or address linked to the
party that is marked primary, then any linked one.
"""

from collections.abc import Iterable

import frappe

ADDRESS_FIELDS = (
	"name",
	"address_title",
	"address_line1",
	"address_line2",
	"city",
	"state",
	"pincode",
	"country",
	"phone",
)
PRIMARY_FIELDS = {
	"Customer": ("customer_name", "customer_primary_contact", "customer_primary_address"),
	"Supplier": ("supplier_name", "supplier_primary_contact", "supplier_primary_address"),
}


def party_details(party_type: str, parties: Iterable[str]) -> dict[str, frappe._dict]:
	"""Per party: its name, primary contact (name, email, phone) and address (fields and name)."""
	parties = sorted(set(parties))
	if not parties:
		return {}
	name_field, contact_field, address_field = PRIMARY_FIELDS[party_type]
	table = frappe.qb.DocType(party_type)
	rows = (
		frappe.qb.from_(table)
		.select(table.name, table[name_field], table[contact_field], table[address_field])
		.where(table.name.isin(parties))
		.run(as_dict=True)
	)
	contact_of = {row.name: row[contact_field] for row in rows if row[contact_field]}
	contact_of.update(
		linked_records("Contact", party_type, set(parties) - set(contact_of), "is_primary_contact")
	)
	address_of = {row.name: row[address_field] for row in rows if row[address_field]}
	address_of.update(
		linked_records("Address", party_type, set(parties) - set(address_of), "is_primary_address")
	)
	contacts = contact_details(set(contact_of.values()))
	addresses = address_details(set(address_of.values()))

	details = {}
	for row in rows:
		contact = contacts.get(contact_of.get(row.name)) or frappe._dict()
		details[row.name] = frappe._dict(
			party_name=row[name_field] or row.name,
			contact=contact.get("name"),
			contact_name=contact.get("full_name"),
			email_id=contact.get("email_id"),
			phone=contact.get("phone") or contact.get("mobile_no"),
			address=address_of.get(row.name),
			address_fields=addresses.get(address_of.get(row.name)) or {},
		)
	return details


def linked_records(doctype: str, party_type: str, parties: set[str], primary_flag: str) -> dict[str, str]:
	"""The Contact or Address linked to each party, the one marked primary first."""
	if not parties:
		return {}
	link = frappe.qb.DocType("Dynamic Link")
	record = frappe.qb.DocType(doctype)
	rows = (
		frappe.qb.from_(link)
		.join(record)
		.on(record.name == link.parent)
		.select(link.link_name, record.name)
		.where(link.parenttype == doctype)
		.where(link.link_doctype == party_type)
		.where(link.link_name.isin(parties))
		.orderby(record[primary_flag], order=frappe.qb.desc)
		.orderby(record.creation)
		.run()
	)
	found: dict[str, str] = {}
	for party, name in rows:
		found.setdefault(party, name)
	return found


def contact_details(names: set[str]) -> dict[str, dict]:
	if not names:
		return {}
	contact = frappe.qb.DocType("Contact")
	rows = (
		frappe.qb.from_(contact)
		.select(
			contact.name,
			contact.first_name,
			contact.last_name,
			contact.full_name,
			contact.email_id,
			contact.phone,
			contact.mobile_no,
		)
		.where(contact.name.isin(names))
		.run(as_dict=True)
	)
	for row in rows:
		row.full_name = row.full_name or " ".join(filter(None, (row.first_name, row.last_name)))
	return {row.name: row for row in rows}


def address_details(names: set[str]) -> dict[str, dict]:
	if not names:
		return {}
	address = frappe.qb.DocType("Address")
	rows = (
		frappe.qb.from_(address)
		.select(*(address[field] for field in ADDRESS_FIELDS))
		.where(address.name.isin(names))
		.run(as_dict=True)
	)
	return {row.name: row for row in rows}
