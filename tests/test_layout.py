"""The app's layout rules, checked from its import graph (README, Development):

- `core/` is pure Python: it imports no Frappe and nothing of the app outside `core/`;
- the shared glue (`traceability_setup/`) uses only `core/`;
- each capability uses `core/`, the shared glue and itself; recall may also use stock
  tracking; no capability imports another both ways;
- every dotted path in hooks.py and in the desk's JavaScript names a function that exists.
"""

import ast
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "traceability_plus"
CAPABILITIES = {"stock_tracking", "recall", "labels"}
SHARED = "traceability_setup"
ALLOWED = {
	"core": {"core"},
	SHARED: {"core", SHARED},
	"stock_tracking": {"core", SHARED, "stock_tracking"},
	"labels": {"core", SHARED, "labels"},
	"recall": {"core", SHARED, "recall", "stock_tracking"},
}


def part_of(path: Path) -> str | None:
	"""The layer a module belongs to; None for the app's wiring (hooks, install, patches)."""
	first = path.relative_to(APP).parts[0]
	return first if first in ALLOWED else None


def is_test(path: Path) -> bool:
	return "tests" in path.parts or path.name.startswith("test_")


def app_imports(path: Path) -> set[str]:
	"""The top-level parts of the app (or "frappe") that a module imports, anywhere in it."""
	found = set()
	for node in ast.walk(ast.parse(path.read_text())):
		names = []
		if isinstance(node, ast.Import):
			names = [alias.name for alias in node.names]
		elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
			names = [node.module]
		if isinstance(node, ast.ImportFrom) and node.module == "traceability_plus" and node.level == 0:
			names = [f"traceability_plus.{alias.name}" for alias in node.names]
		for name in names:
			parts = name.split(".")
			if parts[0] == "frappe":
				found.add("frappe")
			elif parts[0] == "traceability_plus" and len(parts) > 1:
				found.add(parts[1])
	return found


def imported_app_modules(path: Path) -> set[str]:
	"""Every module of the app that a module imports from, by its dotted name."""
	found = set()
	for node in ast.walk(ast.parse(path.read_text())):
		if (
			isinstance(node, ast.ImportFrom)
			and node.level == 0
			and (node.module or "").startswith("traceability_plus")
		):
			if node.module == "traceability_plus":
				found |= {f"traceability_plus.{alias.name}" for alias in node.names}
			else:
				found.add(node.module)
		elif isinstance(node, ast.Import):
			found |= {alias.name for alias in node.names if alias.name.startswith("traceability_plus.")}
	return found


def test_every_import_of_the_app_names_a_module_that_exists():
	missing = []
	for path in [*modules(), *Path(__file__).parent.glob("*.py")]:
		for dotted in imported_app_modules(path):
			target = APP.parent.joinpath(*dotted.split("."))
			if not (target.with_suffix(".py").exists() or (target / "__init__.py").exists()):
				missing.append(f"{path.name}: {dotted}")
	assert missing == []


def modules():
	return [path for path in APP.rglob("*.py")]


def test_core_is_pure_and_each_layer_imports_only_what_it_may():
	wrong = []
	for path in modules():
		part = part_of(path)
		if part is None:
			continue
		allowed = ALLOWED[part] | ({"tests"} if is_test(path) else set())
		imported = app_imports(path)
		if part == "core" and "frappe" in imported:
			wrong.append(f"{path.relative_to(APP)} imports frappe")
		for target in imported - {"frappe"} - allowed:
			wrong.append(f"{path.relative_to(APP)} imports {target}")
	assert wrong == []


def test_no_two_capabilities_import_each_other():
	uses = {capability: set() for capability in CAPABILITIES}
	for path in modules():
		part = part_of(path)
		if part in CAPABILITIES and not is_test(path):
			uses[part] |= app_imports(path) & CAPABILITIES - {part}
	assert [(a, b) for a in uses for b in uses[a] if a in uses[b]] == []


def defined_in(dotted: str) -> bool:
	"""Whether `traceability_plus.x.y.name` is a function or class defined in module x.y."""
	module, _, name = dotted.rpartition(".")
	path = APP.parent.joinpath(*module.split("."))
	source = path.with_suffix(".py")
	if not source.exists():
		source = path / "__init__.py"
	if not source.exists():
		return False
	tree = ast.parse(source.read_text())
	return any(
		isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef) and node.name == name
		for node in tree.body
	)


def test_every_path_in_hooks_and_desk_scripts_exists():
	hooks = [
		node.value
		for node in ast.walk(ast.parse((APP / "hooks.py").read_text()))
		if isinstance(node, ast.Constant) and isinstance(node.value, str)
	]
	scripts = [
		match
		for path in APP.rglob("*.js")
		for match in re.findall(r"traceability_plus(?:\.\w+)+", path.read_text())
	]
	dotted = [value for value in hooks + scripts if re.fullmatch(r"traceability_plus(\.\w+){2,}", value)]
	# A script may build a path from a prefix (`${RECALL_API}.${method}`): check modules too.
	missing = [
		value
		for value in dotted
		if not defined_in(value) and not APP.parent.joinpath(*value.split(".")).with_suffix(".py").exists()
	]
	assert dotted and missing == []


def test_every_desk_record_names_what_exists():
	"""Number cards call their methods, the workspace shows its cards, chart and onboarding."""
	import json

	cards = {path.stem: json.loads(path.read_text()) for path in APP.glob("*/number_card/*/*.json")}
	charts = {path.stem: json.loads(path.read_text()) for path in APP.glob("*/dashboard_chart/*/*.json")}
	methods = [card["method"] for card in cards.values() if card["type"] == "Custom"]
	assert methods and all(defined_in(method) for method in methods)
	[workspace] = [json.loads(path.read_text()) for path in APP.glob("*/workspace/*/*.json")]
	card_names = {card["name"] for card in cards.values()}
	assert {row["number_card_name"] for row in workspace["number_cards"]} == card_names
	assert {row["chart_name"] for row in workspace["charts"]} == {c["name"] for c in charts.values()}
	blocks = json.loads(workspace["content"])
	shown = {block["data"].get("number_card_name") for block in blocks} - {None}
	assert shown == card_names
	onboarding = [b["data"]["onboarding_name"] for b in blocks if b["type"] == "onboarding"]
	steps = {json.loads(p.read_text())["name"] for p in APP.glob("*/onboarding_step/*/*.json")}
	[module_onboarding] = [json.loads(p.read_text()) for p in APP.glob("*/module_onboarding/*/*.json")]
	assert onboarding == [module_onboarding["name"]]
	assert {row["step"] for row in module_onboarding["steps"]} == steps
