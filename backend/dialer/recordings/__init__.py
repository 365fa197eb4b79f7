"""Call recordings after Asterisk has written them: fetched into the dialer's storage
(`fetcher`), kept there by date and campaign (`storage`), deleted when the campaign's retention
ends unless on legal hold (`retention`), every listen recorded (`access`), and signed links for
the customer's IS (`links`). Starting and stopping a recording is the engine's part.
"""
