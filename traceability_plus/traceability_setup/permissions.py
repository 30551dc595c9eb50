"""What the roles the app serves may do on ERPNext's own doctypes, and who holds stock.

ERPNext ships Stock User, Stock Manager and Quality Manager without some of what the
app's reports and forms read: Batch belongs to the Item Manager alone, and a Stock
Manager or Quality Manager on their own may not read the Company or its Warehouses, the
Quality Manager not even an Item or a Serial No. Install adds read (and report, where a
report is based on the doctype) where a role has no rule of its own, as Custom DocPerm
records, Role Permission Manager's own way; uninstall takes them out again and, when
nothing else was customised, leaves the doctype on ERPNext's standard rules. No role
gets write: holds go through `holds.hold_stock` / `release_stock`, open to the roles
named in Traceability Settings.
"""

import frappe
from frappe import _
from frappe.permissions import setup_custom_perms
from frappe.utils import escape_html

READ = {"read": 1}
READ_AND_REPORT = {"read": 1, "report": 1}

# Doctype -> role -> rights added when the role has no rule of its own at level 0.
APP_PERMISSIONS = {
	"Batch": {
		"Stock User": READ_AND_REPORT,
		"Stock Manager": READ_AND_REPORT,
		"Quality Manager": READ_AND_REPORT,
	},
	"Serial No": {"Quality Manager": READ_AND_REPORT},
	"Item": {"Quality Manager": READ_AND_REPORT},
	# Every report is of one company, and shows only the warehouses the user may read.
	"Company": {"Stock Manager": READ, "Quality Manager": READ},
	"Warehouse": {"Stock Manager": READ, "Quality Manager": READ},
}

DEFAULT_HOLD_ROLES = ("Stock Manager", "Quality Manager")
# Who may lift a hold that a recall placed without cancelling the recall.
DEFAULT_RECALL_RELEASE_ROLES = ("Quality Manager",)

# The rights of a permission rule, as DocPerm and Custom DocPerm store them.
RIGHTS = (
	"select",
	"read",
	"write",
	"create",
	"delete",
	"submit",
	"cancel",
	"amend",
	"report",
	"export",
	"import",
	"share",
	"print",
	"email",
	"set_user_permissions",
)


def grant_app_permissions():
	for doctype, roles in APP_PERMISSIONS.items():
		for role, rights in roles.items():
			if not frappe.db.exists("Role", role) or _level_zero_rule(doctype, role):
				continue
			setup_custom_perms(doctype)  # first copy ERPNext's rules, as Role Permission Manager does
			if _level_zero_rule(doctype, role):
				continue
			frappe.get_doc(
				{
					"doctype": "Custom DocPerm",
					"parent": doctype,
					"parenttype": "DocType",
					"parentfield": "permissions",
					"role": role,
					"permlevel": 0,
					**rights,
				}
			).insert(ignore_permissions=True)
		frappe.clear_cache(doctype=doctype)


def revoke_app_permissions():
	for doctype, roles in APP_PERMISSIONS.items():
		standard = _rules("DocPerm", doctype)
		standard_roles = {rule["role"] for rule in standard}
		for role in roles:
			if role not in standard_roles:
				frappe.db.delete(
					"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
				)
		# What is left is ERPNext's rules as copied at install: back to the standard ones.
		if sorted_rules(_rules("Custom DocPerm", doctype)) == sorted_rules(standard):
			frappe.db.delete("Custom DocPerm", {"parent": doctype})
		frappe.clear_cache(doctype=doctype)


def _level_zero_rule(doctype: str, role: str) -> bool:
	"""The role has a rule at level 0 among the rules in force (custom ones if any)."""
	source = "Custom DocPerm" if frappe.db.exists("Custom DocPerm", {"parent": doctype}) else "DocPerm"
	return bool(frappe.db.exists(source, {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}))


def _rules(source: str, doctype: str) -> list[dict]:
	return frappe.get_all(
		source, filters={"parent": doctype}, fields=["role", "permlevel", "if_owner", *rights_of(source)]
	)


def rights_of(source: str) -> list[str]:
	"""The rights the permission table has (Frappe 16 dropped set_user_permissions)."""
	return [right for right in RIGHTS if frappe.db.has_column(source, right)]


def sorted_rules(rules: list[dict]) -> list[tuple]:
	return sorted(
		(rule["role"], *(int(rule.get(key) or 0) for key in ("permlevel", "if_owner", *RIGHTS)))
		for rule in rules
	)


def hold_roles() -> set[str]:
	"""The roles that may put stock on hold and release it (Traceability Settings)."""
	return roles_in_settings("hold_roles")


def recall_release_roles() -> set[str]:
	"""The roles that may release a hold a recall (or another document) placed."""
	return roles_in_settings("recall_release_roles")


def roles_in_settings(fieldname: str) -> set[str]:
	from traceability_plus.traceability_setup.doctype.traceability_settings.traceability_settings import (
		get_traceability_settings,
	)

	return {row.role for row in get_traceability_settings().get(fieldname) or []}


def may_hold() -> bool:
	return bool(hold_roles().intersection(frappe.get_roles()))


def check_may_hold(doctype: str, name: str):
	"""Throw unless the user may read the document and has a role that holds stock."""
	frappe.has_permission(doctype, "read", name, throw=True)
	if not may_hold():
		allowed = hold_roles()
		frappe.throw(
			_(
				"Only a user with one of these roles may put stock on hold or release it: {0}. "
				"A System Manager sets them in Traceability Settings."
			).format(escape_html(", ".join(sorted(_(role) for role in allowed))) or _("(none set)")),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)


def check_may_release_recall_hold(reference_doctype: str, reference_name: str):
	"""Throw unless the user has a role that may lift a hold another document placed."""
	if recall_release_roles().intersection(frappe.get_roles()):
		return
	frappe.throw(
		_(
			"{0} {1} placed this hold: it is released when that document is cancelled, or by a "
			"user with one of these roles: {2}. A System Manager sets them in Traceability Settings."
		).format(
			_(reference_doctype),
			escape_html(reference_name or ""),
			escape_html(", ".join(sorted(_(role) for role in recall_release_roles()))) or _("(none set)"),
		),
		frappe.PermissionError,
		title=_("Not Permitted"),
	)


def set_default_hold_roles():
	"""The default roles that hold and release, when none is set yet (install, migrate)."""
	set_default_roles("hold_roles", DEFAULT_HOLD_ROLES)
	set_default_roles("recall_release_roles", DEFAULT_RECALL_RELEASE_ROLES)


def set_default_roles(parentfield: str, default_roles: tuple[str, ...]):
	"""The rows are written on their own: saving the whole settings would validate values
	an earlier install left (a label template not made again yet)."""
	if frappe.get_all(
		"Traceability Hold Role",
		filters={"parent": "Traceability Settings", "parentfield": parentfield},
		limit=1,
	):
		return
	roles = [role for role in default_roles if frappe.db.exists("Role", role)]
	for idx, role in enumerate(roles, start=1):
		frappe.get_doc(
			{
				"doctype": "Traceability Hold Role",
				"parent": "Traceability Settings",
				"parenttype": "Traceability Settings",
				"parentfield": parentfield,
				"idx": idx,
				"role": role,
			}
		).db_insert()
	frappe.clear_document_cache("Traceability Settings", "Traceability Settings")
