"""Every msgid of traceability_plus/locale/main.pot is translated in de, fr and es.

After changing the app's strings, on a bench with the app:
`bench generate-pot-file --app traceability_plus`, then `bench update-po-files --app
traceability_plus`, and translate what this test lists as missing.

Pure stdlib: the unit-test venv has no babel, so the .po files are read by a small parser.
"""

import re
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "traceability_plus" / "locale"
LANGUAGES = ("de", "fr", "es")
# str.format fields: {}, {0}, {item_code}; `{{` / `}}` are literal braces.
PLACEHOLDER = re.compile(r"(?<!\{)\{([A-Za-z0-9_]*)\}(?!\})")
HTML_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)\b")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(token: str) -> str:
	body = token.strip()
	assert body.startswith('"') and body.endswith('"'), f"not a PO string: {token!r}"
	return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), body[1:-1])


def read_po(path: Path) -> dict[tuple[str | None, str], list[str]]:
	"""(msgctxt, msgid) -> msgstr list (one per plural form) for each entry of a .po/.pot file."""
	entries: dict[tuple[str | None, str], list[str]] = {}
	current: dict[str, str] = {}
	field = None

	def flush():
		if "msgid" in current:
			strings = [v for k, v in sorted(current.items()) if k.startswith("msgstr")]
			entries[(current.get("msgctxt"), current["msgid"])] = strings
		current.clear()

	for line in path.read_text(encoding="utf-8").splitlines():
		line = line.strip()
		if not line or line.startswith("#"):
			continue
		if line.startswith('"'):
			assert field, f"{path.name}: continuation line without a keyword: {line!r}"
			current[field] += _unquote(line)
			continue
		keyword, _, rest = line.partition(" ")
		if keyword in ("msgctxt", "msgid") and any(k.startswith("msgstr") for k in current):
			flush()
		field = keyword
		current[field] = _unquote(rest)
	flush()
	return entries


def _messages(path: Path) -> dict[tuple[str | None, str], list[str]]:
	return {key: value for key, value in read_po(path).items() if key[1]}  # drop the header


@pytest.fixture(scope="module")
def template():
	messages = _messages(LOCALE / "main.pot")
	assert messages, "main.pot has no msgids"
	return messages


@pytest.fixture(scope="module", params=LANGUAGES)
def catalog(request):
	path = LOCALE / f"{request.param}.po"
	assert path.exists(), f"{path} is missing"
	return request.param, path


def test_every_msgid_of_the_template_has_a_translation(template, catalog):
	lang, path = catalog
	messages = _messages(path)
	missing = [key[1] for key in template if key not in messages]
	assert not missing, f"{lang}.po lacks {len(missing)} msgids of main.pot, e.g. {missing[:5]}"
	empty = [key[1] for key in template if not messages[key] or not all(messages[key])]
	assert not empty, f"{lang}.po leaves {len(empty)} msgids untranslated, e.g. {empty[:5]}"


def test_translations_keep_placeholders_tags_and_outer_spaces(template, catalog):
	lang, path = catalog
	messages = _messages(path)
	problems = []
	for key in template:
		msgid = key[1]
		for msgstr in messages.get(key, []):
			if not msgstr:
				continue
			if set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(msgstr)):
				problems.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
			if sorted(HTML_TAG.findall(msgid)) != sorted(HTML_TAG.findall(msgstr)):
				problems.append(f"HTML tags differ: {msgid!r} -> {msgstr!r}")
			if (msgid[: len(msgid) - len(msgid.lstrip())], msgid[len(msgid.rstrip()) :]) != (
				msgstr[: len(msgstr) - len(msgstr.lstrip())],
				msgstr[len(msgstr.rstrip()) :],
			):
				problems.append(f"leading/trailing whitespace differs: {msgid!r} -> {msgstr!r}")
	assert not problems, f"{lang}.po:\n" + "\n".join(problems)


def test_headers_name_the_language_and_its_plural_forms(catalog):
	lang, path = catalog
	header = read_po(path)[(None, "")][0]
	assert f"Language: {lang}" in header
	assert "Plural-Forms: nplurals=2;" in header
	assert "charset=utf-8" in header.lower()
