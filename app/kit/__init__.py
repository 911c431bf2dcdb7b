"""The sales-primed messaging kit: conversation list, questions, scenarios, stories."""
