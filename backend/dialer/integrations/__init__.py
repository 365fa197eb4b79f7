"""The customer's information system: webhooks, contact push, caller look-up."""
