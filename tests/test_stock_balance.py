from traceability_plus.core.stock_balance import lowest_running_balance


def test_no_later_movement_keeps_the_opening():
	assert lowest_running_balance(5, []) == 5


def test_a_dip_below_zero_is_found_even_if_the_end_is_positive():
	assert lowest_running_balance(5, [-8, +10]) == -3


def test_the_lowest_point_not_the_last():
	assert lowest_running_balance(10, [-4, -4, +1, -2]) == 1


def test_running_balances_are_kept_per_place():
	from traceability_plus.core.stock_balance import running_balances

	moves = [("Stores", 10), ("Shop", 4), ("Stores", -4), ("Shop", -1), ("Stores", 2)]
	assert running_balances(moves) == [10, 4, 6, 3, 8]
	assert running_balances([("Stores", -3)], opening={"Stores": 5}) == [2]
