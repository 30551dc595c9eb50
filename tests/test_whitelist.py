"""The app's whitelisted functions are exactly the ones below: each is an entry point any
logged-in user can call, so a new one must be added here on purpose, with its permission
check and a test as the least-privileged role that could abuse it."""

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "traceability_plus"

WHITELISTED = {
	"batch_warehouse_balance.enqueue_rebuild",
	"fsma_export.download_fsma_204",
	"gs1_scanning.parse_scanned_lot",
	"gs1_scanning.scan_barcode",
	"holds.hold_stock",
	"holds.release_stock",
	"labels.download_labels",
	"labels.enqueue_labels",
	"labels.get_label_count",
	"picking.get_auto_data",
	"picking.get_batch_no",
	"picking.get_item_details",
	"recall_notices.send_notifications",
	"traceability_plus.doctype.label_template.label_template.get_page_preset",
	"traceability_plus.doctype.product_recall.product_recall.close_recall",
	"traceability_plus.doctype.product_recall.product_recall.complete_drill",
	"traceability_plus.doctype.product_recall.product_recall.make_quarantine_transfer",
	"traceability_plus.doctype.product_recall.product_recall.trace_recall",
	"traceability_plus.doctype.product_recall.product_recall.update_close_out",
}


def is_whitelist(decorator: ast.expr) -> bool:
	target = decorator.func if isinstance(decorator, ast.Call) else decorator
	return isinstance(target, ast.Attribute) and target.attr == "whitelist"


def whitelisted_functions() -> set[str]:
	found = set()
	for path in APP.rglob("*.py"):
		if "tests" in path.parts or path.name.startswith("test_"):
			continue
		module = ".".join(path.relative_to(APP).with_suffix("").parts)
		for node in ast.walk(ast.parse(path.read_text())):
			if isinstance(node, ast.FunctionDef) and any(map(is_whitelist, node.decorator_list)):
				found.add(f"{module}.{node.name}")
	return found


def test_the_whitelisted_functions_are_the_known_ones():
	assert whitelisted_functions() == WHITELISTED
