"""Route modules, one per area; `dialer.web.app` mounts them."""
