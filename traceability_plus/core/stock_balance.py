"""Running balances of stock movements."""

from collections.abc import Iterable


def lowest_running_balance(opening: float, movements: Iterable[float]) -> float:
	"""The lowest balance reached from `opening` through signed movements, in order."""
	balance = lowest = opening
	for qty in movements:
		balance += qty
		lowest = min(lowest, balance)
	return lowest
