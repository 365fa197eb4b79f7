"""Which contact next: calling windows, retries, callbacks, caller-ID choice, leasing."""
