"""Real ERPNext records for the integration tests: a company of our own, items, parties.

Everything is created through ERPNext's documents, never faked, and only if missing,
so test modules can be run alone or together.
"""

from contextlib import contextmanager

import frappe
from frappe.utils import nowdate

TEST_COMPANY = "_TP Test Company"
TEST_COMPANY_ABBR = "_TPT"
TEST_ITEM_GROUP = "_TP Test Items"
TEST_SUPPLIER = "_TP Test Supplier"
TEST_CUSTOMER = "_TP Test Customer"


def before_tests():
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	erpnext_before_tests()
	make_test_baseline()
	frappe.db.commit()


def make_test_baseline():
	if not frappe.db.exists("Company", TEST_COMPANY):
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": TEST_COMPANY,
				"abbr": TEST_COMPANY_ABBR,
				"default_currency": "USD",
				"country": "United States",
				"chart_of_accounts": "Standard",
			}
		).insert(ignore_permissions=True)
	if not frappe.db.exists("Item Group", TEST_ITEM_GROUP):
		frappe.get_doc(
			{
				"doctype": "Item Group",
				"item_group_name": TEST_ITEM_GROUP,
				"parent_item_group": "All Item Groups",
			}
		).insert(ignore_permissions=True)
	make_supplier(TEST_SUPPLIER)
	make_customer(TEST_CUSTOMER)


def make_supplier(name: str) -> str:
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": name,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
				"default_currency": "USD",
			}
		).insert(ignore_permissions=True)
	return name


def make_customer(name: str) -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
				"default_currency": "USD",
			}
		).insert(ignore_permissions=True)
	return name


def warehouse(name: str = "Stores") -> str:
	return f"{name} - {TEST_COMPANY_ABBR}"


def make_item(item_code: str, **properties) -> "frappe.model.document.Document":
	"""An Item with `properties`, created if it does not exist yet."""
	if frappe.db.exists("Item", item_code):
		return frappe.get_doc("Item", item_code)
	item = frappe.get_doc(
		{
			"doctype": "Item",
			"item_code": item_code,
			"item_name": item_code,
			"item_group": TEST_ITEM_GROUP,
			"stock_uom": "Nos",
			"is_stock_item": 1,
			**properties,
		}
	)
	return item.insert(ignore_permissions=True)


def make_purchase_receipt(items: list[dict], supplier: str = TEST_SUPPLIER, submit: bool = True, **fields):
	"""A Purchase Receipt into the test company's Stores; each item dict needs item_code and qty."""
	receipt = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": TEST_COMPANY,
			"supplier": supplier,
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"currency": "USD",
			"conversion_rate": 1,
			"set_warehouse": warehouse(),
			"items": [{"rate": 10, "warehouse": warehouse(), "conversion_factor": 1, **row} for row in items],
			**fields,
		}
	)
	receipt.insert(ignore_permissions=True)
	if submit:
		receipt.submit()
	return receipt


def bundle_entries(voucher_type: str, voucher_no: str) -> list[dict]:
	"""Serial and Batch Entry rows of a voucher's submitted bundles."""
	bundle = frappe.qb.DocType("Serial and Batch Bundle")
	entry = frappe.qb.DocType("Serial and Batch Entry")
	return (
		frappe.qb.from_(entry)
		.join(bundle)
		.on(entry.parent == bundle.name)
		.select(bundle.item_code, entry.batch_no, entry.serial_no, entry.qty, entry.warehouse)
		.where(
			(bundle.voucher_type == voucher_type)
			& (bundle.voucher_no == voucher_no)
			& (bundle.docstatus == 1)
		)
		.orderby(entry.idx)
		.run(as_dict=True)
	)


def batch_row(item_code: str, batch_no: str, qty: float, **fields) -> dict:
	"""A voucher row that names its batch in the row's Batch No field."""
	return {"item_code": item_code, "qty": qty, "batch_no": batch_no, "use_serial_batch_fields": 1, **fields}


def batch_made(voucher, item_code: str) -> str:
	"""The batch that a submitted voucher received or produced of an item."""
	return next(
		row.batch_no
		for row in bundle_entries(voucher.doctype, voucher.name)
		if row.item_code == item_code and row.qty > 0
	)


def make_stock_entry(purpose: str, items: list[dict], submit: bool = True, **fields):
	"""A Stock Entry of the test company; rows give item_code, qty and s_warehouse and/or t_warehouse."""
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": purpose,
			"purpose": purpose,
			"company": TEST_COMPANY,
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"items": [{"conversion_factor": 1, "basic_rate": 10, **row} for row in items],
			**fields,
		}
	)
	entry.insert(ignore_permissions=True)
	if submit:
		entry.submit()
	return entry


def make_stock_reconciliation(items: list[dict], submit: bool = True, **fields):
	"""A Stock Reconciliation of the test company's Stores; rows give item_code, qty, valuation_rate."""
	reconciliation = frappe.get_doc(
		{
			"doctype": "Stock Reconciliation",
			"company": TEST_COMPANY,
			"purpose": "Stock Reconciliation",
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"expense_account": f"Stock Adjustment - {TEST_COMPANY_ABBR}",
			"items": [{"warehouse": warehouse(), "valuation_rate": 10, **row} for row in items],
			**fields,
		}
	)
	reconciliation.insert(ignore_permissions=True)
	if submit:
		reconciliation.submit()
	return reconciliation


def make_naming_rule(rule_name: str, applies_to: str, naming_pattern: str, **fields):
	"""A Tracking Naming Rule, replaced if one of that name exists."""
	if frappe.db.exists("Tracking Naming Rule", rule_name):
		frappe.delete_doc("Tracking Naming Rule", rule_name, force=True)
	return frappe.get_doc(
		{
			"doctype": "Tracking Naming Rule",
			"rule_name": rule_name,
			"applies_to": applies_to,
			"naming_pattern": naming_pattern,
			**fields,
		}
	).insert(ignore_permissions=True)


def make_selling_voucher(doctype: str, items: list[dict], submit: bool = True, **fields):
	"""A Delivery Note or a stock-updating Sales Invoice to the test customer from Stores."""
	voucher = frappe.get_doc(
		{
			"doctype": doctype,
			"company": TEST_COMPANY,
			"customer": TEST_CUSTOMER,
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"currency": "USD",
			"conversion_rate": 1,
			"selling_price_list": frappe.db.get_value("Price List", {"selling": 1}),
			"set_warehouse": warehouse(),
			"items": [{"rate": 20, "warehouse": warehouse(), "conversion_factor": 1, **row} for row in items],
			**(
				{"update_stock": 1, "debit_to": f"Debtors - {TEST_COMPANY_ABBR}"}
				if doctype == "Sales Invoice"
				else {}
			),
			**fields,
		}
	)
	voucher.insert(ignore_permissions=True)
	if submit:
		voucher.submit()
	return voucher


def make_user(email: str, role: str) -> str:
	if not frappe.db.exists("User", email):
		frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": role,
				"send_welcome_email": 0,
				"roles": [{"role": role}],
			}
		).insert(ignore_permissions=True)
	return email


def make_warehouse(name: str) -> str:
	full_name = warehouse(name)
	if not frappe.db.exists("Warehouse", full_name):
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": name,
				"company": TEST_COMPANY,
				"parent_warehouse": f"All Warehouses - {TEST_COMPANY_ABBR}",
			}
		).insert(ignore_permissions=True)
	return full_name


@contextmanager
def undone_if_refused():
	"""Roll back what a refused submit wrote before it failed, as Frappe does for a request.

	Tests share one transaction; without this, half a failed Delivery Note would stay.
	"""
	frappe.db.savepoint("tp_attempt")
	try:
		yield
	except Exception:
		frappe.db.rollback(save_point="tp_attempt")
		raise


@contextmanager
def traceability_settings(**values):
	"""Save Traceability Settings with `values` for the block, then restore them.

	Saved through the document so Frappe's settings cache is cleared both ways.
	"""
	settings = frappe.get_single("Traceability Settings")
	previous = {field: settings.get(field) for field in values}
	settings.update(values)
	settings.save(ignore_permissions=True)
	try:
		yield
	finally:
		settings = frappe.get_single("Traceability Settings")
		settings.update(previous)
		settings.save(ignore_permissions=True)


TEST_POS_PROFILE = "_TP POS Profile"


def make_pos_profile():
	"""A POS Profile of the test company selling from Stores, paid in cash."""
	company = TEST_COMPANY_ABBR
	cash = frappe.get_doc("Mode of Payment", "Cash")
	if not any(row.company == TEST_COMPANY for row in cash.accounts):
		cash.append("accounts", {"company": TEST_COMPANY, "default_account": f"Cash - {company}"})
		cash.save(ignore_permissions=True)
	if frappe.db.exists("POS Profile", TEST_POS_PROFILE):
		return frappe.get_doc("POS Profile", TEST_POS_PROFILE)
	return frappe.get_doc(
		{
			"doctype": "POS Profile",
			"name": TEST_POS_PROFILE,
			"company": TEST_COMPANY,
			"currency": "USD",
			"warehouse": warehouse(),
			"cost_center": f"Main - {company}",
			"income_account": f"Sales - {company}",
			"expense_account": f"Cost of Goods Sold - {company}",
			"write_off_account": f"Write Off - {company}",
			"write_off_cost_center": f"Main - {company}",
			"selling_price_list": frappe.db.get_value("Price List", {"selling": 1}),
			"update_stock": 1,
			"payments": [{"mode_of_payment": "Cash", "default": 1}],
		}
	).insert(ignore_permissions=True)


def open_pos_session(profile):
	"""A submitted POS Opening Entry of the profile for the current user, unless one is open."""
	if frappe.db.exists(
		"POS Opening Entry",
		{"pos_profile": profile.name, "user": frappe.session.user, "docstatus": 1, "status": "Open"},
	):
		return
	frappe.get_doc(
		{
			"doctype": "POS Opening Entry",
			"pos_profile": profile.name,
			"user": frappe.session.user,
			"company": profile.company,
			"period_start_date": frappe.utils.now_datetime(),
			"balance_details": [{"mode_of_payment": row.mode_of_payment} for row in profile.payments],
		}
	).submit()
