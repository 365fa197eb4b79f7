"""The do-not-call list below the pages: adding numbers one by one (a disposition, the agent's
button, an admin) or by the hundred thousand (a national registry file), and exporting it.

Checking the list is the leasing's and the contact feed's (`scheduling/leasing.py`); the admin
page and its audit trail are `campaigns/dnc.py`.
"""
