"""The billing shell: the database edge of tariffs, accounts, the engine's meter, re-rating and
invoices. It loads rows, calls the pure rating (`dialer.billing`) and stores what it returns;
the web pages, the CLI and the engine call these modules, never the models directly.
"""
