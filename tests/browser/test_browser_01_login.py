"""1. Administrator logs in through the /login page and lands on the desk."""

import os

from conftest import BASE_URL


def test_login_as_administrator(anonymous_desk):
	desk = anonymous_desk
	page = desk.page
	desk.goto("/login")
	page.locator("#login_email").fill("Administrator")
	page.locator("#login_password").fill(os.environ.get("TP_BROWSER_ADMIN_PASSWORD", "admin"))
	desk.shot("login-form")
	page.locator(
		"form.form-signin button.btn-login[type=submit], button.btn-login[type=submit]"
	).first.click()
	page.wait_for_url(f"{BASE_URL}/app**")
	desk.wait_desk()
	desk.shot("desk-after-login")
	assert page.evaluate("() => frappe.session.user") == "Administrator"
	# The setup wizard is complete: the desk does not send Administrator to it.
	assert "/setup-wizard" not in page.url, page.url
