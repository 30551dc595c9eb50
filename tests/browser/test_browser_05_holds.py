"""5. A held batch shows On Hold in the Batch list and on its form; its reason, which holds
markup, is shown as text and never run."""


def test_held_batch_in_list_and_form(desk, seed):
	page = desk.page
	held = seed["batches"]["held"]
	desk.goto("/app/batch?batch_id=" + held)
	desk.wait_desk()
	page.wait_for_function(
		'(name) => document.querySelector(`.list-row-container [data-name="${name}"]`)'
		" || [...document.querySelectorAll('.list-row .list-subject a')].some(a => a.textContent.includes(name))",
		arg=held,
	)
	desk.wait_idle()
	desk.shot("batch-list")
	row = page.locator(".list-row-container").filter(has_text=held).first
	indicator = row.locator(".indicator-pill").first.inner_text().strip()
	assert indicator == "On Hold", f"the Batch list shows {indicator!r} for held batch {held}"

	desk.open_form("Batch", held)
	desk.shot("held-batch-form")
	assert desk.form_indicator() == "On Hold", f"the form shows {desk.form_indicator()!r}"
	# The reason is shown, as text: no element from it, nothing it carried ran.
	page.wait_for_function(
		"() => document.querySelector('.form-dashboard, .form-message') "
		"&& document.body.innerText.includes('Supplier alert')"
	)
	# Where each injected <img> sits: its nearest field or section, for the report.
	injected = page.evaluate(
		"""() => [...document.querySelectorAll('img')].filter(img => img.getAttribute('src') === 'x')
			.map(img => {
				const field = img.closest('[data-fieldname]');
				const box = img.closest('.timeline-item, .form-dashboard, .form-message, .frappe-control');
				return (field ? `field ${field.dataset.fieldname}` : '')
					+ (box ? ` in ${box.className}` : '') || img.parentElement.outerHTML.slice(0, 200);
			})"""
	)
	assert not injected, f"the hold reason's <img> became an element of the page: {injected}"
	assert page.evaluate("() => document.title") != "XSS", "the hold reason's onerror ran"
	assert "XSS" not in page.evaluate("() => document.title")
